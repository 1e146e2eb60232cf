// The page's scaffolding (src/report/html_page.h) and the inlined JavaScript
// (src/report/embedded_scripts.h).

#include "report/html_page.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "report/chart_numbers.h"
#include "report/embedded_scripts.h"

namespace twinprof::test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The build compiled exactly the files npm installed from the lock file, byte for byte.
TEST(EmbeddedScriptsTest, AreThePackagesThatTheLockFilePins) {
  const std::string modules = TWINPROF_REPORT_VEGA_MODULES;
  struct Bundle {
    std::string_view text, version;
    std::string package, file;
  };
  for (const Bundle& bundle :
       {Bundle{report::VegaScript(), report::VegaScriptVersion(), "vega", "build/vega.min.js"},
        Bundle{report::VegaLiteScript(), report::VegaLiteScriptVersion(), "vega-lite",
               "build/vega-lite.min.js"},
        Bundle{report::VegaEmbedScript(), report::VegaEmbedScriptVersion(), "vega-embed",
               "build/vega-embed.min.js"}}) {
    std::string installed = ReadFile(modules + "/" + bundle.package + "/" + bundle.file);
    ASSERT_GT(installed.size(), 10000u) << bundle.package;
    EXPECT_TRUE(bundle.text == installed) << bundle.package << ": the embedded copy differs";
    nlohmann::json lock = nlohmann::json::parse(
        ReadFile(std::string(TWINPROF_SOURCE_DIR) + "/src/report/vega_packages/package-lock.json"));
    EXPECT_EQ(bundle.version,
              lock["packages"]["node_modules/" + bundle.package]["version"].get<std::string>());
    nlohmann::json package = nlohmann::json::parse(
        ReadFile(std::string(TWINPROF_SOURCE_DIR) + "/src/report/vega_packages/package.json"));
    // package.json names exact versions, the same the lock file holds.
    EXPECT_EQ(bundle.version, package["dependencies"][bundle.package].get<std::string>());
  }
}

TEST(HtmlPageTest, ScriptDataCannotEndTheScriptElement) {
  nlohmann::json json = {{"name", "</script><script>alert(1)</script><!--"}};
  std::string text = report::JsonForScript(json);
  EXPECT_EQ(text.find("</"), std::string::npos);
  EXPECT_EQ(text.find("<!"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text), json);  // and it reads back the same
}

TEST(HtmlPageTest, EscapesTextAndLoadsNothingFromOutside) {
  report::HtmlPage page("A <b>title</b> & more");
  report::HtmlTable inputs;
  inputs.header = {"input"};
  inputs.rows = {{"<img src=x onerror=alert(1)>"}};
  page.SetInputs(inputs);
  report::Section section;
  section.id = "s";
  section.title = "Section";
  section.notes = {"note <1>"};
  section.charts.push_back({"c-1", "caption", {{"mark", "point"}}});
  page.AddSection(section);
  std::string html = page.Render();
  EXPECT_NE(html.find("A &lt;b&gt;title&lt;/b&gt; &amp; more"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("note &lt;1&gt;"), std::string::npos);
  EXPECT_NE(html.find("id=\"chart-c-1\""), std::string::npos);
  EXPECT_EQ(page.ChartIds(), std::vector<std::string>{"c-1"});
  // Outside the three libraries, the page names no URL and loads no file.
  for (std::string_view library :
       {report::VegaScript(), report::VegaLiteScript(), report::VegaEmbedScript()}) {
    size_t at = html.find(library);
    ASSERT_NE(at, std::string::npos);
    html.erase(at, library.size());
  }
  EXPECT_EQ(html.find("://"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
}

TEST(ChartStyleTest, RoundsToShortDecimals) {
  EXPECT_EQ(report::Rounded(123.456789, 5).dump(), "123.46");
  EXPECT_EQ(report::Rounded(0.000123456, 3).dump(), "0.000123");
  EXPECT_EQ(report::Rounded(123456789, 3).dump(), "123000000");
  EXPECT_EQ(report::RoundedTo(12.3456, 1e-3).dump(), "12.346");
  EXPECT_EQ(report::RoundedTo(7.0004, 1e-3).dump(), "7");
  EXPECT_TRUE(report::Rounded(std::nan("")).is_null());
}

}  // namespace
}  // namespace twinprof::test
