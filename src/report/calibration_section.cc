#include "report/calibration_section.h"

#include <algorithm>
#include <cmath>

#include "report/chart_numbers.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

}  // namespace

Section CalibrationSection(const ReportData& data) {
  Section section;
  section.id = "calibration";
  section.title = "Calibration";
  section.intro =
      "The simulator's parameters as `twinprof calibrate` fitted them to measurements: each "
      "parameter's standard error relative to its value (short bars: well determined), the "
      "parameters the data could not identify (they keep their prior value), and how far the "
      "calibrated model is from its own measurements, per component and phase (MAPE).";
  int number = 0;
  for (const CalibrationSet& set : data.calibrations) {
    if (!set.converged) {
      section.notes.push_back(set.path +
                              ": the fit did not converge; its values are the last "
                              "iterate, not an optimum.");
    }
    json parameters = json::array();
    for (const auto& parameter : set.parameters) {
      // A fitted value without a standard error (on a bound of the fit) draws no bar.
      double relative =
          parameter.identified && parameter.value != 0 && std::isfinite(parameter.standard_error)
              ? 100 * parameter.standard_error / std::fabs(parameter.value)
              : 0;
      parameters.push_back({{"name", parameter.name},
                            {"relative", Rounded(relative, 4)},
                            {"value", Rounded(parameter.value, 6)},
                            {"se", Rounded(parameter.standard_error, 4)},
                            {"status", parameter.identified ? "identified" : "not identified"},
                            {"why", parameter.why}});
    }
    if (!parameters.empty()) {
      json spec = {
          {"title", {{"text", "Standard error of each parameter"}, {"subtitle", set.path}}},
          {"width", 560},
          {"height", {{"step", 18}}},
          {"data", {{"values", parameters}}},
          {"layer",
           {{{"mark", {{"type", "bar"}, {"cornerRadiusEnd", 2}}},
             {"encoding",
              {{"y",
                {{"field", "name"},
                 {"type", "nominal"},
                 {"sort", nullptr},
                 {"title", nullptr},
                 {"axis", {{"labelLimit", 380}}}}},
               {"x",
                {{"field", "relative"},
                 {"type", "quantitative"},
                 {"title", "standard error (% of the value)"}}},
               {"color",
                {{"field", "status"},
                 {"type", "nominal"},
                 {"title", nullptr},
                 {"legend", {{"orient", "top"}}},
                 {"scale",
                  {{"domain", {"identified", "not identified"}},
                   {"range", {"#2f6db5", "#e8702a"}}}}}},
               {"tooltip",
                {{{"field", "name"}, {"title", "parameter"}},
                 {{"field", "value"}, {"format", ".4g"}},
                 {{"field", "se"}, {"title", "standard error"}, {"format", ".3g"}},
                 {{"field", "relative"}, {"title", "relative (%)"}, {"format", ".2f"}},
                 {{"field", "why"}, {"title", "why not identified"}}}}}}},
            {{"transform", {{{"filter", "datum.status == 'not identified'"}}}},
             {"mark",
              {{"type", "text"},
               {"align", "left"},
               {"dx", 4},
               {"color", "#e8702a"},
               {"fontSize", 11}}},
             {"encoding",
              {{"y", {{"field", "name"}, {"type", "nominal"}, {"sort", nullptr}}},
               {"x", {{"datum", 0}, {"type", "quantitative"}}},
               {"text", {{"value", "not identified"}}}}}}}}};
      Chart chart;
      chart.id = "calibration-" + std::to_string(++number);
      chart.caption = "Hover a bar for the value and its standard error.";
      chart.spec = std::move(spec);
      section.charts.push_back(std::move(chart));
    }
    // A phase that takes under 1% of the component's measured time (a 20 us download beside a
    // 2 s compute) is left out of the chart: its relative error, however large, says nothing of
    // the predictions, and its bar would flatten the others. The note names what was left out.
    json errors = json::array();
    std::vector<std::string> negligible;
    for (const auto& [component, phases] : set.mape) {
      const std::vector<std::pair<std::string, double>>* means = nullptr;
      for (const auto& entry : set.mean_seconds) {
        if (entry.first == component) means = &entry.second;
      }
      double total = 0;
      if (means != nullptr) {
        for (const auto& [phase, seconds] : *means) total += std::max(0.0, seconds);
      }
      for (const auto& [phase, mape] : phases) {
        double mean = std::nan("");
        if (means != nullptr) {
          for (const auto& [name, seconds] : *means) {
            if (name == phase) mean = seconds;
          }
        }
        if (total > 0 && mean < 0.01 * total) {
          negligible.push_back(component + " " + phase + " (mean " + Figure(mean) + " s, MAPE " +
                               Figure(mape) + "%)");
          continue;
        }
        errors.push_back({{"component", component},
                          {"phase", phase},
                          {"mape", Rounded(mape, 4)},
                          {"mean_s", Rounded(mean, 4)}});
      }
    }
    if (!negligible.empty()) {
      std::string list;
      for (const std::string& entry : negligible) list += (list.empty() ? "" : "; ") + entry;
      section.notes.push_back(set.path +
                              ": phases under 1% of their component's measured time are left out "
                              "of the fit-error chart (their relative errors say nothing of the "
                              "predictions): " +
                              list + ".");
    }
    if (!errors.empty()) {
      json spec = {
          {"title", {{"text", "Fit error per component and phase"}, {"subtitle", set.path}}},
          {"data", {{"values", errors}}},
          {"width", {{"step", 26}}},
          {"height", 200},
          {"mark", {{"type", "bar"}, {"tooltip", true}}},
          {"encoding",
           {{"x", {{"field", "phase"}, {"type", "nominal"}, {"title", nullptr}}},
            {"xOffset", {{"field", "component"}}},
            {"y", {{"field", "mape"}, {"type", "quantitative"}, {"title", "MAPE (%)"}}},
            {"color",
             {{"field", "component"}, {"type", "nominal"}, {"legend", {{"orient", "right"}}}}}}}};
      Chart chart;
      chart.id = "calibration-" + std::to_string(++number);
      chart.caption = "MAPE of the calibrated model on the records it was fitted on.";
      chart.spec = std::move(spec);
      section.charts.push_back(std::move(chart));
    }
    HtmlTable table;
    table.caption = "Fitted parameters, " + set.path +
                    (set.reference_node_type.empty()
                         ? ""
                         : " (reference node type " + set.reference_node_type + ")");
    table.header = {"parameter", "value", "standard error", "relative", "note"};
    for (const auto& parameter : set.parameters) {
      table.rows.push_back(
          {parameter.name, Figure(parameter.value),
           !parameter.identified                     ? "not identified"
           : std::isfinite(parameter.standard_error) ? Figure(parameter.standard_error)
                                                     : "none (see note)",
           parameter.identified && parameter.value != 0 && std::isfinite(parameter.standard_error)
               ? Figure(100 * parameter.standard_error / std::fabs(parameter.value)) + "%"
               : "",
           parameter.why});
    }
    table.collapsed = table.rows.size() > 16;
    section.tables.push_back(std::move(table));
  }
  return section;
}

}  // namespace twinprof::report
