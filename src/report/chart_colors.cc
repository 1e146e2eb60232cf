#include "report/chart_colors.h"

namespace twinprof::report {

nlohmann::json PhaseColorScale() {
  return {{"domain", {"wait", "cold start", "download", "compute", "upload"}},
          {"range", {"#c9ced6", "#f28e2b", "#4e79a7", "#59a14f", "#9cc3e6"}}};
}

nlohmann::json SourceColorScale() {
  return {{"domain", {"measured", "simulated"}}, {"range", {"#2f6db5", "#e15759"}}};
}

}  // namespace twinprof::report
