// CheckRenderedReport: opens a report.html in headless chromium, the way a user's browser does, and
// checks what every report test needs to hold: each expected chart has a Vega view that drew data
// marks, the console stays free of errors and warnings, and the page requested nothing but itself.
// Shared by the report's render test and the pipeline's end-to-end test.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "headless_chromium.h"

namespace twinprof::test {

// Renders `page` (a path), adds a gtest failure for every check that does not hold, saves a
// screenshot at `screenshot` (its folder is created) and returns the data mark count of each chart
// ({"timeline": 48, ...}). `interact`, when given, runs after the charts are drawn and before the
// console is checked (a user choosing in a list, say). Throws std::runtime_error when chromium
// cannot be started.
nlohmann::json CheckRenderedReport(
    const std::string& page, const std::set<std::string>& expected_charts,
    const std::string& screenshot,
    const std::function<void(HeadlessChromium&)>& interact = nullptr);

}  // namespace twinprof::test
