#include "profile/oscar/service_specs.h"

#include <cctype>
#include <set>

#include "core/yaml_file.h"

namespace twinprof::profile::oscar {
namespace {

const workflow::Component& FindComponent(const workflow::Workflow& workflow,
                                         const std::string& name) {
  const auto id = workflow.Find(name);
  if (!id) throw InputError("the run deploys '" + name + "', which is not in the workflow");
  return workflow.component(*id);
}

}  // namespace

std::string DnsLabel(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) out.resize(63);
  return out.empty() ? "twinprof" : out;
}

std::vector<ServiceSpec> BuildServiceSpecs(const RunRequest& request, const OscarOptions& options) {
  const workflow::Workflow& workflow = *request.workflow;
  const std::string bucket = options.bucket.empty() ? DnsLabel(workflow.name()) : options.bucket;
  std::set<std::string> deployed;
  for (const auto& d : request.deployments) deployed.insert(d.component);

  const auto input_paths = [&](const workflow::Component& c) {
    return c.input_paths.empty() ? std::vector<std::string>{bucket + "/" + DnsLabel(c.name)}
                                 : c.input_paths;
  };

  std::vector<ServiceSpec> specs;
  for (const auto& deployment : request.deployments) {
    const workflow::Component& component = FindComponent(workflow, deployment.component);
    const auto id = *workflow.Find(deployment.component);
    ServiceSpec spec;
    // The FDL's service name; a name used in several clusters is qualified (NAME@CLUSTER ->
    // name-cluster) when the run deploys more than one of them, as they share one endpoint.
    spec.name = DnsLabel(component.service_name.empty() ? component.name : component.service_name);
    for (const auto& other : request.deployments) {
      const workflow::Component& c = FindComponent(workflow, other.component);
      if (c.name != component.name && !c.service_name.empty() &&
          c.service_name == component.service_name) {
        spec.name = DnsLabel(component.name);
      }
    }
    spec.cluster_id = options.cluster_id.empty() ? component.cluster : options.cluster_id;
    const auto image = component.images.find(options.arch);
    if (image == component.images.end() || image->second.empty()) {
      throw InputError(component.where, "component '" + component.name + "' has no image for " +
                                            options.arch + " (the oscar section's arch)");
    }
    spec.image = image->second;
    // Without a script the image's own command runs (no `script` is sent).
    if (!component.image_command) spec.script = ReadTextFile(component.script_path);
    spec.cpu = deployment.cpu;
    spec.memory_bytes = deployment.memory_bytes;
    spec.parallelism = deployment.parallelism;
    spec.environment = deployment.environment;
    spec.input_paths = input_paths(component);
    if (!component.output_paths.empty() && !component.input_paths.empty()) {
      // An FDL workflow: its own paths. Drop edges to services not deployed in this run by
      // sending those outputs to a sink folder instead.
      for (const auto& path : component.output_paths) {
        bool to_undeployed = false;
        for (workflow::ComponentId next : workflow.Successors(id)) {
          const workflow::Component& s = workflow.component(next);
          for (const auto& in : s.input_paths) {
            if (in == path && !deployed.count(s.name)) to_undeployed = true;
          }
        }
        spec.output_paths.push_back(to_undeployed ? path + "-out" : path);
      }
    } else {
      for (workflow::ComponentId next : workflow.Successors(id)) {
        const workflow::Component& s = workflow.component(next);
        if (!deployed.count(s.name)) continue;
        for (const auto& path : input_paths(s)) spec.output_paths.push_back(path);
      }
      if (spec.output_paths.empty()) {
        spec.output_paths.push_back(bucket + "/" + DnsLabel(component.name) + "-out");
      }
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace twinprof::profile::oscar
