// twinprof platform-xml PLATFORM.yaml [-o FILE]: exports a platform as a SimGrid XML platform
// file (version 4.1), for use with SimGrid's own tools or another SimGrid program.

#include <fstream>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "core/error.h"
#include "platform/platform.h"
#include "platform/simgrid_platform.h"

namespace twinprof::cli {

namespace {
struct PlatformXmlOptions {
  std::string platform;
  std::string output;  // empty: standard output
};

void RunPlatformXml(const PlatformXmlOptions& options) {
  platform::Platform platform = platform::LoadPlatform(options.platform);
  std::string xml = platform::ToSimGridXml(platform);
  if (options.output.empty() || options.output == "-") {
    std::cout << xml;
    return;
  }
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out << xml;
  out.close();
  if (!out) throw InputError(SourceLocation{options.output}, "cannot write the XML file");
  auto count = [](size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  std::cout << "wrote " << options.output << ": " << count(platform.node_count(), "node") << " and "
            << count(platform.clusters.size(), "storage host") << " in "
            << count(platform.clusters.size(), "cluster") << ", "
            << count(platform.links.size(), "WAN link") << "\n";
}
}  // namespace

void AddPlatformXmlCommand(CLI::App& app, const GlobalOptions& /*global*/) {
  auto options = std::make_shared<PlatformXmlOptions>();
  CLI::App* command = app.add_subcommand(
      "platform-xml", "Export a platform as a SimGrid XML platform file (version 4.1)");
  command->add_option("platform", options->platform, "Platform file (YAML)")->required();
  command->add_option("-o,--output", options->output, "Output file (default: standard output)");
  command->callback([options] { RunPlatformXml(*options); });
}

}  // namespace twinprof::cli
