// Numbers as the page writes them: the data inlined into report.html rounded to the digits a chart
// can show (a smaller page, and the same bytes for the same inputs), and figures as tables and
// titles print them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace twinprof::report {

// `value` rounded to `digits` significant digits (data written into the page need no more; the
// shortest form of the rounded double is what the JSON holds). NaN and infinities become null.
nlohmann::json Rounded(double value, int digits = 5);
// `value` with 4 significant digits, as tables and titles print figures ("0.0195", "1.48e+09").
std::string Figure(double value);
// `value` rounded to a multiple of `step` (e.g. 1e-3 s for times).
nlohmann::json RoundedTo(double value, double step);

}  // namespace twinprof::report
