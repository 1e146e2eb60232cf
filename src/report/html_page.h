// HtmlPage: the one self-contained HTML file `twinprof report` writes. It holds sections of
// text, tables and charts; each chart is a Vega-Lite specification with its data inline, drawn in
// the browser by Vega, Vega-Lite and vega-embed, whose code the page inlines as well
// (embedded_scripts.h). The page loads nothing: no CDN, no fonts, no images, so it opens offline.
//
// The page reports its own state in `window.twinprofReport` for tests and curious users:
//   charts        the chart ids, in page order
//   done          true once every chart has been drawn or has failed
//   errors        one message per chart that failed (also printed with console.error and shown
//                 in the chart's place)
//   views         chart id -> its Vega view
//   markCounts()  chart id -> the number of data mark items drawn (axes and legends excluded)
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace twinprof::report {

// One chart: a Vega-Lite specification, data included.
struct Chart {
  std::string id;       // unique on the page; letters, digits and '-'
  std::string caption;  // a sentence under the chart saying how to read it (plain text)
  nlohmann::json spec;
};

// A table of plain-text cells. Cells that hold numbers are right-aligned.
struct HtmlTable {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  bool collapsed = false;  // inside a <details> element, for long tables
};

// A section of the page, shown only when its data was given.
struct Section {
  std::string id;  // anchor for the table of contents
  std::string title;
  std::string intro;  // what the section shows (plain text)
  // How the data was reduced, e.g. "Gantt charts draw at most 3000 jobs per run...": shown
  // prominently, because a reader must know when a chart is not the whole data.
  std::vector<std::string> notes;
  std::vector<Chart> charts;
  std::vector<HtmlTable> tables;
};

class HtmlPage {
 public:
  explicit HtmlPage(std::string title) : title_(std::move(title)) {}

  // Shown in the header: what went in (a table) and a line about how the page was made.
  void SetInputs(HtmlTable inputs) { inputs_ = std::move(inputs); }
  void SetGeneratedBy(std::string text) { generated_by_ = std::move(text); }
  void AddSection(Section section) { sections_.push_back(std::move(section)); }

  const std::vector<Section>& sections() const { return sections_; }
  // The ids of every chart, in page order.
  std::vector<std::string> ChartIds() const;

  // The complete document.
  std::string Render() const;

 private:
  std::string title_;
  std::string generated_by_;
  HtmlTable inputs_;
  std::vector<Section> sections_;
};

// Text made safe for HTML element content and attribute values.
std::string EscapeHtml(const std::string& text);
// JSON made safe inside a <script> element ("</" becomes "<\/", which JSON reads the same).
std::string JsonForScript(const nlohmann::json& json);

}  // namespace twinprof::report
