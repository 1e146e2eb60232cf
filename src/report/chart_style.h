// What every chart builder shares: the phase and source colours, number rounding for the data
// written into the page, and small Vega-Lite helpers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace twinprof::report {

// Colours of the five phases (timeline_layout.h), in phase order, as a Vega-Lite color scale.
nlohmann::json PhaseColorScale();
// Colours of "measured" and "simulated" (and "model" for fitted curves).
nlohmann::json SourceColorScale();

// `value` rounded to `digits` significant digits (data written into the page need no more; the
// shortest form of the rounded double is what the JSON holds). NaN and infinities become null.
nlohmann::json Rounded(double value, int digits = 5);
// `value` with 4 significant digits, as tables and titles print figures ("0.0195", "1.48e+09").
std::string Figure(double value);
// `value` rounded to a multiple of `step` (e.g. 1e-3 s for times).
nlohmann::json RoundedTo(double value, double step);

// A Vega expression for `strings[index_expression]` (a literal array indexed at view time).
std::string IndexedStringExpression(const std::vector<std::string>& strings,
                                    const std::string& index_expression);

}  // namespace twinprof::report
