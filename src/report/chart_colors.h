// The colours every chart of the page uses, as Vega-Lite color scales, so that a phase or a source
// has one colour throughout the report.
#pragma once

#include <nlohmann/json.hpp>

namespace twinprof::report {

// Colours of the five phases (timeline_layout.h), in phase order, as a Vega-Lite color scale.
nlohmann::json PhaseColorScale();
// Colours of "measured" and "simulated" (a legend shows every value of the domain).
nlohmann::json SourceColorScale();

}  // namespace twinprof::report
