#include "report/validation_section.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "report/chart_numbers.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

const std::vector<std::string> kSplitOrder = {"training", "interpolation", "extrapolation", "all"};

std::string Percent(double value) {
  if (!std::isfinite(value)) return "–";
  char text[32];
  std::snprintf(text, sizeof text, value < 10 ? "%.2f" : "%.1f", value);
  return text;
}

int SplitRank(const std::string& split) {
  auto it = std::find(kSplitOrder.begin(), kSplitOrder.end(), split);
  return static_cast<int>(it - kSplitOrder.begin());
}

std::string MetricTitle(const std::string& metric) {
  if (metric == "compute_s") return "compute time per job (s)";
  if (metric == "total_s") return "total time per job (s)";
  if (metric == "p95_response_s") return "p95 response time (s)";
  if (metric == "makespan_s") return "makespan (s)";
  return metric;
}

// "makespan: 4.1% extrapolation, 3.2% interpolation" from the end-to-end rows of `predictor`.
std::string HeadlineMape(const ValidationSet& set, const std::string& predictor) {
  for (const std::string metric : {"makespan_s", "total_s", "compute_s"}) {
    std::vector<const ValidationSet::Metric*> rows;
    for (const auto& row : set.metrics) {
      bool end_to_end = metric == "makespan_s" ? row.component == "workflow" : true;
      if (row.predictor == predictor && row.metric == metric && end_to_end &&
          std::isfinite(row.mape_pct)) {
        rows.push_back(&row);
      }
    }
    if (rows.empty()) continue;
    if (metric != "makespan_s") break;  // per-component rows: the panels' titles say them
    std::sort(rows.begin(), rows.end(),
              [](auto* a, auto* b) { return SplitRank(a->split) < SplitRank(b->split); });
    std::string text = "makespan MAPE";
    for (size_t i = 0; i < rows.size(); ++i) {
      text += (i == 0 ? " " : ", ") + Percent(rows[i]->mape_pct) + "% (" + rows[i]->split + ")";
    }
    return text;
  }
  return "";
}

}  // namespace

Section ValidationSection(const ReportData& data) {
  Section section;
  section.id = "validation";
  section.title = "Predicted against measured";
  section.intro =
      "Each point is one configuration and component (a cell of `twinprof validate`): the "
      "measured value across, the predicted value up, on logarithmic axes. Points on the line "
      "are exact; the band is ±10%. Colour: whether the configuration was in the predictor's "
      "training data, inside its range (interpolation) or outside it (extrapolation). MAPE: the "
      "mean absolute percentage error over the cells.";
  int chart_number = 0;
  for (const ValidationSet& set : data.validations) {
    std::vector<std::string> predictors;
    for (const auto& predictor : set.predictors) predictors.push_back(predictor.name);
    for (const auto& cell : set.cells) {
      if (std::find(predictors.begin(), predictors.end(), cell.predictor) == predictors.end()) {
        predictors.push_back(cell.predictor);
      }
    }
    for (const std::string& predictor : predictors) {
      // Per metric: the cells' values, and the MAPE over them for the panel's title.
      std::map<std::string, std::vector<json>> points;
      std::map<std::string, std::pair<double, int>> ape;
      std::map<std::string, std::pair<double, double>> range;
      int left_out = 0;
      for (const auto& cell : set.cells) {
        if (cell.predictor != predictor) continue;
        for (const auto& [metric, measured] : cell.measured) {
          auto predicted = std::find_if(cell.predicted.begin(), cell.predicted.end(),
                                        [&](const auto& p) { return p.first == metric; });
          if (predicted == cell.predicted.end()) continue;
          if (measured != 0) {
            ape[metric].first += 100 * std::fabs(predicted->second - measured) / measured;
            ape[metric].second += 1;
          }
          if (!(measured > 0) || !(predicted->second > 0)) {
            ++left_out;
            continue;
          }
          auto [it, inserted] = range.try_emplace(metric, measured, measured);
          it->second.first = std::min({it->second.first, measured, predicted->second});
          it->second.second = std::max({it->second.second, measured, predicted->second});
          points[metric].push_back(
              {{"k", "cell"},
               {"m", Rounded(measured, 6)},
               {"p", Rounded(predicted->second, 6)},
               {"split", cell.split},
               {"component", cell.component},
               {"configuration", cell.configuration},
               {"error", Rounded(100 * (predicted->second - measured) / measured, 4)}});
        }
      }
      if (points.empty()) continue;
      std::vector<std::string> panel_order;
      for (const std::string metric : {"compute_s", "total_s", "p95_response_s", "makespan_s"}) {
        if (points.count(metric) > 0) panel_order.push_back(metric);
      }
      for (const auto& [metric, rows] : points) {
        if (std::find(panel_order.begin(), panel_order.end(), metric) == panel_order.end()) {
          panel_order.push_back(metric);
        }
      }
      // One panel per metric, x and y on the same domain so that y = x is the diagonal.
      json panels = json::array();
      for (const std::string& metric : panel_order) {
        std::string label = MetricTitle(metric);
        if (ape[metric].second > 0) {
          label += " · MAPE " + Percent(ape[metric].first / ape[metric].second) + "%";
        }
        double low = range[metric].first / 1.25, high = range[metric].second * 1.25;
        json values = points[metric];
        for (double x : {low, high}) {
          values.push_back({{"k", "line"},
                            {"m", Rounded(x, 6)},
                            {"p", Rounded(x, 6)},
                            {"lo", Rounded(0.9 * x, 6)},
                            {"hi", Rounded(1.1 * x, 6)}});
        }
        json scale = {
            {"type", "log"}, {"domain", {Rounded(low, 4), Rounded(high, 4)}}, {"nice", false}};
        panels.push_back(
            {{"title", label},
             {"width", 190},
             {"height", 190},
             {"data", {{"values", values}}},
             {"layer",
              {{{"transform", {{{"filter", "datum.k == 'line'"}}}},
                {"mark",
                 {{"type", "area"}, {"opacity", 0.18}, {"color", "#7f8c9d"}, {"clip", true}}},
                {"encoding",
                 {{"x", {{"field", "m"}, {"type", "quantitative"}, {"scale", scale}}},
                  {"y", {{"field", "lo"}, {"type", "quantitative"}, {"scale", scale}}},
                  {"y2", {{"field", "hi"}}}}}},
               {{"transform", {{{"filter", "datum.k == 'line'"}}}},
                {"mark",
                 {{"type", "line"}, {"color", "#55606e"}, {"strokeWidth", 1}, {"clip", true}}},
                {"encoding",
                 {{"x", {{"field", "m"}, {"type", "quantitative"}}},
                  {"y", {{"field", "p"}, {"type", "quantitative"}}}}}},
               {{"transform", {{{"filter", "datum.k == 'cell'"}}}},
                {"mark", {{"type", "point"}, {"filled", true}, {"size", 45}, {"opacity", 0.85}}},
                {"encoding",
                 {{"x", {{"field", "m"}, {"type", "quantitative"}, {"title", "measured"}}},
                  {"y", {{"field", "p"}, {"type", "quantitative"}, {"title", "predicted"}}},
                  {"color",
                   {{"field", "split"},
                    {"type", "nominal"},
                    {"title", "split"},
                    {"legend", {{"orient", "top"}}},
                    {"scale",
                     {{"domain", kSplitOrder},
                      {"range", {"#9aa4b1", "#2f6db5", "#e8702a", "#3a3f47"}}}}}},
                  {"tooltip",
                   {{{"field", "component"}},
                    {{"field", "configuration"}},
                    {{"field", "split"}},
                    {{"field", "m"}, {"title", "measured"}, {"format", ".4g"}},
                    {{"field", "p"}, {"title", "predicted"}, {"format", ".4g"}},
                    {{"field", "error"}, {"title", "error (%)"}, {"format", "+.1f"}}}}}}}}}});
      }
      std::string headline = HeadlineMape(set, predictor);
      json spec = {{"title",
                    {{"text", "Predictor " + predictor + (headline.empty() ? "" : ": " + headline)},
                     {"subtitle", "validated against " + set.measured}}},
                   {"hconcat", panels},
                   {"spacing", 22},
                   {"resolve", {{"scale", {{"color", "shared"}}}}}};
      Chart chart;
      chart.id = "validation-" + std::to_string(++chart_number);
      chart.caption = "Predictor " + predictor + " (" + set.path + ").";
      if (left_out > 0) {
        chart.caption += " " + std::to_string(left_out) +
                         " value(s) of 0 or less cannot be drawn on log axes and are left out "
                         "of the chart (not of the MAPE).";
      }
      chart.spec = std::move(spec);
      section.charts.push_back(std::move(chart));
    }

    // The MAPE table: one row per predictor, metric and component; one column per split.
    std::set<std::string> splits;
    for (const auto& row : set.metrics) splits.insert(row.split);
    std::vector<std::string> split_columns(splits.begin(), splits.end());
    std::sort(split_columns.begin(), split_columns.end(),
              [](const auto& a, const auto& b) { return SplitRank(a) < SplitRank(b); });
    HtmlTable table;
    table.caption = "MAPE (%) and number of cells, " + set.path;
    table.header = {"predictor", "metric", "component"};
    for (const std::string& split : split_columns) table.header.push_back(split);
    std::map<std::tuple<std::string, std::string, std::string>, std::map<std::string, std::string>>
        pivot;
    std::vector<std::tuple<std::string, std::string, std::string>> order;
    for (const auto& row : set.metrics) {
      auto key = std::make_tuple(row.predictor, row.metric, row.component);
      if (pivot.count(key) == 0) order.push_back(key);
      pivot[key][row.split] = Percent(row.mape_pct) + " (" + std::to_string(row.cells) + ")";
    }
    auto rank = [&](const std::tuple<std::string, std::string, std::string>& key) {
      static const std::vector<std::string> kMetrics = {"makespan_s", "compute_s", "total_s",
                                                        "p95_response_s"};
      auto p = std::find(predictors.begin(), predictors.end(), std::get<0>(key));
      auto m = std::find(kMetrics.begin(), kMetrics.end(), std::get<1>(key));
      return std::make_tuple(p - predictors.begin(), m - kMetrics.begin(), std::get<2>(key));
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    for (const auto& key : order) {
      std::vector<std::string> cells = {std::get<0>(key), std::get<1>(key), std::get<2>(key)};
      for (const std::string& split : split_columns) {
        auto it = pivot[key].find(split);
        cells.push_back(it == pivot[key].end() ? "" : it->second);
      }
      table.rows.push_back(std::move(cells));
    }
    table.collapsed = table.rows.size() > 16;
    if (!set.split_by.empty()) {
      std::string conditions;
      for (const std::string& condition : set.conditions) {
        conditions += (conditions.empty() ? "" : ", ") + condition;
      }
      table.caption += "; training configurations chosen by " + set.split_by +
                       (conditions.empty() ? "" : " (" + conditions + ")");
    }
    section.tables.push_back(std::move(table));
  }
  return section;
}

}  // namespace twinprof::report
