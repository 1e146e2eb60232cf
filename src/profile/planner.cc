#include "profile/planner.h"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>

namespace twinprof::profile {
namespace {

namespace fs = std::filesystem;

// One dimension of the space: its parameter name, its values as text, and how a value index
// changes the configuration.
struct Dimension {
  std::string name;
  std::vector<std::string> values;
  std::function<void(size_t, PlannedRun&)> apply;
  // Resources are numbers, names texts; an environment variable is a number when every value the
  // campaign lists for it is one.
  ParameterType type = ParameterType::kNumber;
};

void SetEnvironment(std::vector<std::pair<std::string, std::string>>& environment,
                    const std::string& name, const std::string& value) {
  for (auto& [key, existing] : environment) {
    if (key == name) {
      existing = value;
      return;
    }
  }
  environment.emplace_back(name, value);
}

std::string Fingerprint(const std::vector<PlannedRun>& runs) {
  uint64_t hash = 1469598103934665603ULL;  // FNV-1a, 64 bits
  for (const PlannedRun& run : runs) {
    for (char c : run.key + "\n") {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

std::string DescribeParameters(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string text;
  for (const auto& [name, value] : parameters) {
    if (name.rfind("input.", 0) == 0) continue;  // implied by `input`
    text += (text.empty() ? "" : " ") + name + "=" + value;
  }
  return text;
}

std::string FormatNumber(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

int Plan::workflow_runs() const {
  int n = 0;
  for (const PlannedRun& run : runs) n += run.mode == "workflow";
  return n;
}

Plan MakePlan(const Campaign& campaign) {
  std::vector<Dimension> dimensions;
  {
    Dimension input{
        "input", {}, [](size_t i, PlannedRun& run) { run.input = i; }, ParameterType::kText};
    for (const InputSpec& spec : campaign.inputs) input.values.push_back(spec.name);
    dimensions.push_back(input);
  }
  // The values of generated inputs as their own columns (numbers a model can use).
  std::vector<std::string> input_value_names;
  if (!campaign.inputs.empty()) {
    for (const auto& [name, value] : campaign.inputs[0].values) input_value_names.push_back(name);
  }
  PlannedRun base;
  for (size_t c = 0; c < campaign.space.size(); ++c) {
    const ComponentSpace& space = campaign.space[c];
    Deployment deployment;
    deployment.component = space.component;
    deployment.environment =
        campaign.workflow.component(*campaign.workflow.Find(space.component)).environment;
    base.deployments.push_back(deployment);
    const std::string& n = space.component;
    Dimension cpu{n + ".cpu", {}, [&space, c](size_t i, PlannedRun& r) {
                    r.deployments[c].cpu = space.cpu[i];
                  }};
    for (double v : space.cpu) cpu.values.push_back(FormatNumber(v));
    dimensions.push_back(cpu);
    Dimension memory{n + ".memory_mb", {}, [&space, c](size_t i, PlannedRun& r) {
                       r.deployments[c].memory_bytes = space.memory_bytes[i];
                     }};
    for (double v : space.memory_bytes) memory.values.push_back(FormatNumber(v / 1048576));
    dimensions.push_back(memory);
    Dimension parallelism{n + ".parallelism", {}, [&space, c](size_t i, PlannedRun& r) {
                            r.deployments[c].parallelism = space.parallelism[i];
                          }};
    for (int v : space.parallelism) parallelism.values.push_back(std::to_string(v));
    dimensions.push_back(parallelism);
    if (space.cpuset.size() > 1 || !space.cpuset[0].empty()) {
      Dimension cpuset{
          n + ".cpuset", space.cpuset,
          [&space, c](size_t i, PlannedRun& r) { r.deployments[c].cpuset = space.cpuset[i]; },
          ParameterType::kText};
      dimensions.push_back(cpuset);
    }
    for (const auto& [var, values] : space.environment) {
      Dimension env{n + ".env." + var, values,
                    [&values, var, c](size_t i, PlannedRun& r) {
                      SetEnvironment(r.deployments[c].environment, var, values[i]);
                    },
                    InferParameterType(values)};
      dimensions.push_back(env);
    }
  }

  Plan plan;
  for (const Dimension& d : dimensions) {
    plan.parameters.push_back({d.name, d.type});
    if (d.name == "input") {
      for (const std::string& v : input_value_names) {
        std::vector<std::string> values;
        for (const InputSpec& spec : campaign.inputs) {
          for (const auto& [name, value] : spec.values) {
            if (name == v) values.push_back(value);
          }
        }
        plan.parameters.push_back({"input." + v, InferParameterType(values)});
      }
    }
  }
  for (const ParameterDeclaration& d : plan.parameters) plan.parameter_names.push_back(d.name);
  // Every configuration with its description, in the space's order.
  std::vector<std::pair<PlannedRun, std::string>> configurations;
  std::vector<size_t> index(dimensions.size(), 0);
  bool done = campaign.inputs.empty();
  while (!done) {
    PlannedRun configuration = base;
    for (size_t d = 0; d < dimensions.size(); ++d) {
      dimensions[d].apply(index[d], configuration);
      configuration.parameters.emplace_back(dimensions[d].name, dimensions[d].values[index[d]]);
      if (dimensions[d].name == "input") {
        for (const auto& pair : campaign.inputs[index[d]].values) {
          configuration.parameters.emplace_back("input." + pair.first, pair.second);
        }
      }
    }
    std::string description;
    for (const auto& [name, value] : configuration.parameters) {
      description += (description.empty() ? "" : ";") + name + "=" + value;
    }
    configurations.emplace_back(std::move(configuration), std::move(description));
    size_t d = dimensions.size();
    while (d > 0 && ++index[d - 1] == dimensions[d - 1].values.size()) index[--d] = 0;
    done = d == 0;
  }
  auto add_runs = [&](const PlannedRun& configuration, const std::string& description,
                      int repetition) {
    PlannedRun run = configuration;
    run.run_id = static_cast<int>(plan.runs.size());
    run.repetition = repetition;
    run.key = "workflow|rep=" + std::to_string(repetition) + "|" + description;
    plan.runs.push_back(run);
    if (!campaign.test_single_components) return;
    int parent = run.run_id;
    for (workflow::ComponentId id : campaign.workflow.TopologicalOrder()) {
      const std::string& name = campaign.workflow.component(id).name;
      PlannedRun single = configuration;
      single.run_id = static_cast<int>(plan.runs.size());
      single.repetition = repetition;
      single.mode = "single:" + name;
      single.component = name;
      single.parent_run_id = parent;
      std::erase_if(single.deployments, [&](const Deployment& d) { return d.component != name; });
      single.key = single.mode + "|rep=" + std::to_string(repetition) + "|" + description;
      plan.runs.push_back(single);
    }
  };
  if (campaign.interleave_repetitions) {
    for (int repetition = 1; repetition <= campaign.repetitions; ++repetition) {
      for (const auto& [configuration, description] : configurations)
        add_runs(configuration, description, repetition);
    }
  } else {
    for (const auto& [configuration, description] : configurations) {
      for (int repetition = 1; repetition <= campaign.repetitions; ++repetition)
        add_runs(configuration, description, repetition);
    }
  }
  plan.fingerprint = Fingerprint(plan.runs);
  return plan;
}

RunRequest MakeRunRequest(const Campaign& campaign, const PlannedRun& run,
                          const std::vector<std::string>& single_inputs,
                          const std::string& work_dir) {
  RunRequest request;
  request.campaign = campaign.name;
  request.run_id = run.run_id;
  request.repetition = run.repetition;
  request.mode = run.mode;
  request.workflow = &campaign.workflow;
  request.deployments = run.deployments;
  request.job_timeout_s = campaign.job_timeout_s;
  request.parameters = run.parameters;
  request.work_dir = work_dir;
  if (run.mode == "workflow") {
    const InputSpec& input = campaign.inputs.at(run.input);
    std::vector<double> times = campaign.arrival.UploadTimes(run.repetition);
    int digits = static_cast<int>(std::to_string(times.size()).size());
    std::string extension = fs::path(input.path).extension().string();
    for (size_t i = 0; i < times.size(); ++i) {
      std::string number = std::to_string(i + 1);
      number.insert(0, static_cast<size_t>(digits) - number.size(), '0');
      for (workflow::ComponentId id : campaign.workflow.Sources()) {
        request.uploads.push_back({input.path, "input-" + number + extension,
                                   campaign.workflow.component(id).name, times[i]});
      }
    }
  } else {
    for (const std::string& path : single_inputs) {
      request.uploads.push_back({path, fs::path(path).filename().string(), run.component, 0.0});
    }
  }
  return request;
}

}  // namespace twinprof::profile
