#include "report/html_page.h"

#include <cctype>
#include <sstream>

#include "report/embedded_scripts.h"

namespace twinprof::report {

namespace {

constexpr const char* kStyle = R"css(
:root { --ink: #1d2430; --muted: #5b6675; --line: #e3e7ed; --accent: #2f6db5; --note: #fff7e0;
        --note-line: #f0c36d; --paper: #ffffff; --page: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { background: #17324f; color: #fff; padding: 22px 32px 18px; }
header h1 { margin: 0 0 2px; font-size: 24px; font-weight: 600; letter-spacing: .2px; }
header p { margin: 0; color: #c5d3e3; font-size: 13px; }
nav { padding: 8px 32px; background: #eef2f7; border-bottom: 1px solid var(--line); font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 18px; }
nav a:hover { text-decoration: underline; }
main { max-width: 1240px; margin: 0 auto; padding: 8px 24px 40px; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
          margin: 20px 0; padding: 18px 24px 20px; }
h2 { margin: 0 0 6px; font-size: 19px; font-weight: 600; }
p.intro { margin: 0 0 10px; color: var(--muted); max-width: 900px; }
p.note { margin: 8px 0; padding: 6px 10px; background: var(--note); border-left: 3px solid var(--note-line);
         font-size: 13.5px; max-width: 980px; }
figure { margin: 14px 0 6px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; max-width: 980px; }
.chart { min-height: 60px; overflow-x: auto; }
.chart .chart-wrapper { display: flex; flex-direction: column; align-items: flex-start; }
.chart .vega-bindings { order: -1; margin: 2px 0 10px; font-size: 14px; }
.chart .vega-bindings select { font: inherit; padding: 3px 6px; max-width: 1100px; }
.chart-error { color: #b00020; font-weight: 600; }
table { border-collapse: collapse; margin: 10px 0; font-size: 13.5px; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 12px 4px 0; text-align: left;
         vertical-align: top; }
th { font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
details summary { cursor: pointer; color: var(--accent); margin-top: 8px; }
footer { color: var(--muted); font-size: 12.5px; text-align: center; padding: 12px; }
)css";

// Draws every chart, then records the outcome in window.twinprofReport (see html_page.h).
constexpr const char* kBootstrap = R"js(
(function () {
  "use strict";
  var charts = JSON.parse(document.getElementById("twinprof-charts").textContent);
  var state = { charts: charts.map(function (c) { return c.id; }), done: false, errors: [],
                views: {} };
  // Data mark items per chart: marks whose role is "mark" (axes, legends and titles have
  // other roles), counted through every group (facets, concatenations, layers).
  state.markCounts = function () {
    var counts = {};
    Object.keys(state.views).forEach(function (id) {
      var count = 0;
      var visit = function (mark) {
        (mark.items || []).forEach(function (item) {
          if (mark.marktype === "group") {
            (item.items || []).forEach(visit);
          } else if (mark.role === "mark") {
            count += 1;
          }
        });
      };
      visit(state.views[id].scenegraph().root);
      counts[id] = count;
    });
    return counts;
  };
  window.twinprofReport = state;
  var config = {
    font: "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif",
    title: { fontSize: 14, fontWeight: 600, anchor: "start", color: "#1d2430" },
    axis: { labelColor: "#3b4554", titleColor: "#3b4554", gridColor: "#eceff3",
            domainColor: "#9aa4b1", tickColor: "#9aa4b1", labelFontSize: 11, titleFontSize: 12,
            titleFontWeight: 500 },
    legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 600 },
    header: { labelFontSize: 12, labelFontWeight: 600, titleFontSize: 12 },
    view: { stroke: "#e3e7ed" }
  };
  var options = { actions: { export: true, source: false, compiled: false, editor: false },
                  renderer: "canvas", config: config };
  Promise.all(charts.map(function (chart) {
    var element = document.getElementById("chart-" + chart.id);
    return vegaEmbed(element, chart.spec, options).then(function (result) {
      state.views[chart.id] = result.view;
    }, function (error) {
      var message = "chart " + chart.id + ": " + (error && error.message ? error.message : error);
      state.errors.push(message);
      element.textContent = "This chart could not be drawn: " + message;
      element.className += " chart-error";
      console.error("twinprof report: " + message);
    });
  })).then(function () {
    state.done = true;
    document.body.setAttribute("data-report", state.errors.length ? "failed" : "drawn");
  });
})();
)js";

bool LooksNumeric(const std::string& text) {
  if (text.empty()) return false;
  size_t digits = 0;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (std::string_view("+-.eE% ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digits > 0;
}

void RenderTable(const HtmlTable& table, std::ostream& out) {
  if (table.header.empty() && table.rows.empty()) return;
  if (table.collapsed) {
    out << "<details><summary>" << EscapeHtml(table.caption) << " (" << table.rows.size()
        << " rows)</summary>\n";
  }
  out << "<table>";
  if (!table.collapsed && !table.caption.empty()) {
    out << "<caption>" << EscapeHtml(table.caption) << "</caption>";
  }
  out << "\n<thead><tr>";
  for (const std::string& cell : table.header) out << "<th>" << EscapeHtml(cell) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    out << "<tr>";
    for (const std::string& cell : row) {
      out << (LooksNumeric(cell) ? "<td class=\"number\">" : "<td>") << EscapeHtml(cell) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
  if (table.collapsed) out << "</details>\n";
}

}  // namespace

std::string EscapeHtml(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string JsonForScript(const nlohmann::json& json) {
  // Invalid UTF-8 in a name read from a file is replaced rather than thrown on.
  std::string text = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && (text[i + 1] == '/' || text[i + 1] == '!')) {
      safe += "\\u003c";  // "</script>" or "<!--" inside a string would end or confuse the element
    } else {
      safe += text[i];
    }
  }
  return safe;
}

std::vector<std::string> HtmlPage::ChartIds() const {
  std::vector<std::string> ids;
  for (const Section& section : sections_) {
    for (const Chart& chart : section.charts) ids.push_back(chart.id);
  }
  return ids;
}

std::string HtmlPage::Render() const {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // Nothing may be fetched: scripts and styles are inline, images are data: URLs that Vega
      // makes for PNG export.
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
         "img-src data: blob:\">\n"
      << "<title>" << EscapeHtml(title_) << "</title>\n<style>" << kStyle << "</style>\n"
      << "</head>\n<body data-report=\"drawing\">\n<header><h1>" << EscapeHtml(title_) << "</h1>";
  if (!generated_by_.empty()) out << "<p>" << EscapeHtml(generated_by_) << "</p>";
  out << "</header>\n<nav>";
  out << "<a href=\"#inputs\">Inputs</a>";
  for (const Section& section : sections_) {
    out << "<a href=\"#" << EscapeHtml(section.id) << "\">" << EscapeHtml(section.title) << "</a>";
  }
  out << "</nav>\n<main>\n<section id=\"inputs\"><h2>What went in</h2>\n";
  RenderTable(inputs_, out);
  out << "</section>\n";

  nlohmann::json charts = nlohmann::json::array();
  for (const Section& section : sections_) {
    out << "<section id=\"" << EscapeHtml(section.id) << "\"><h2>" << EscapeHtml(section.title)
        << "</h2>\n";
    if (!section.intro.empty())
      out << "<p class=\"intro\">" << EscapeHtml(section.intro) << "</p>\n";
    for (const std::string& note : section.notes) {
      out << "<p class=\"note\">" << EscapeHtml(note) << "</p>\n";
    }
    for (const Chart& chart : section.charts) {
      out << "<figure><div class=\"chart\" id=\"chart-" << EscapeHtml(chart.id) << "\"></div>";
      if (!chart.caption.empty()) {
        out << "<figcaption>" << EscapeHtml(chart.caption) << "</figcaption>";
      }
      out << "</figure>\n";
      charts.push_back({{"id", chart.id}, {"spec", chart.spec}});
    }
    for (const HtmlTable& table : section.tables) RenderTable(table, out);
    out << "</section>\n";
  }
  out << "</main>\n<footer>Charts drawn in your browser by Vega " << VegaScriptVersion()
      << ", Vega-Lite " << VegaLiteScriptVersion() << " and vega-embed " << VegaEmbedScriptVersion()
      << " (BSD-3-Clause), inlined in this file: it opens offline.</footer>\n";
  out << "<script type=\"application/json\" id=\"twinprof-charts\">" << JsonForScript(charts)
      << "</script>\n";
  out << "<script>" << VegaScript() << "</script>\n";
  out << "<script>" << VegaLiteScript() << "</script>\n";
  out << "<script>" << VegaEmbedScript() << "</script>\n";
  out << "<script>" << kBootstrap << "</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace twinprof::report
