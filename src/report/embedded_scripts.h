// The JavaScript that report.html inlines: the prebuilt bundles of Vega, Vega-Lite and
// vega-embed, copied into the binary at build time from the npm packages that
// src/report/vega_packages/package-lock.json pins (src/report/CMakeLists.txt runs `npm ci`, then
// vega_packages/embed_scripts.cmake writes them as C++ source). The report command therefore
// needs no file and no network at run time, and a page opens offline. docs/report.md says how to
// update them.
#pragma once

#include <string_view>

namespace twinprof::report {

// The bundles' text (static storage; valid for the program's life).
std::string_view VegaScript();
std::string_view VegaLiteScript();
std::string_view VegaEmbedScript();

// The versions package-lock.json pins, e.g. "6.4.0".
std::string_view VegaScriptVersion();
std::string_view VegaLiteScriptVersion();
std::string_view VegaEmbedScriptVersion();

}  // namespace twinprof::report
