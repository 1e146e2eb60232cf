#include "profile/campaign.h"

#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/yaml_file.h"
#include "workflow/loaders.h"

namespace twinprof::profile {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kBackends = {"local", "oscar"};

// A scalar or a list of scalars, as a list.
std::vector<YAML::Node> Values(const YamlFile& file, const YAML::Node& node,
                               std::string_view what) {
  std::vector<YAML::Node> values;
  if (node.IsSequence()) {
    if (node.size() == 0) file.Fail(node, std::string(what) + ": the list is empty");
    for (const YAML::Node& value : node) {
      file.ExpectScalar(value, what);
      values.push_back(value);
    }
  } else {
    file.ExpectScalar(node, what);
    values.push_back(node);
  }
  return values;
}

std::string Resolve(const std::string& dir, const std::string& path) {
  fs::path p(path);
  return (p.is_absolute() ? p : fs::path(dir) / p).lexically_normal().string();
}

// `text` as one word for /bin/sh.
std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string SafeFileName(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    out += ok ? c : (c == '=' ? '-' : '_');
  }
  return out;
}

void LoadFileInputs(const YamlFile& file, const YAML::Node& files, const std::string& dir,
                    std::vector<InputSpec>& inputs) {
  for (const YAML::Node& node : Values(file, files, "inputs.files")) {
    std::string path = Resolve(dir, file.String(node, "an input file"));
    std::error_code error;
    std::vector<std::string> found;
    if (fs::is_directory(path, error)) {
      for (const auto& entry : fs::directory_iterator(path, error)) {
        if (entry.is_regular_file()) found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) file.Fail(node, "the input folder '" + path + "' holds no files");
    } else if (fs::is_regular_file(path, error)) {
      found.push_back(path);
    } else {
      file.Fail(node, "input file '" + path + "' does not exist");
    }
    for (const std::string& f : found) {
      InputSpec input;
      input.name = fs::path(f).filename().string();
      input.path = f;
      input.where = file.Where(node);
      for (const InputSpec& other : inputs) {
        if (other.name == input.name)
          file.Fail(node, "two input files are named '" + input.name + "'");
      }
      inputs.push_back(input);
    }
  }
}

void LoadGeneratedInputs(const YamlFile& file, const YAML::Node& section,
                         std::vector<InputSpec>& inputs) {
  YAML::Node command_node = file.Required(section, "generate");
  std::string command = file.String(command_node, "inputs.generate");
  std::string extension = ".dat";
  if (YAML::Node ext = YamlFile::Optional(section, "extension")) {
    extension = file.String(ext, "inputs.extension");
    if (extension.empty() || extension[0] != '.' || extension.find('/') != std::string::npos) {
      file.Fail(ext, "inputs.extension must look like '.mp4'");
    }
  }
  // Placeholders used by the command.
  std::set<std::string> used;
  static const std::regex kPlaceholder(R"(\{([A-Za-z_][A-Za-z0-9_]*)\})");
  for (std::sregex_iterator it(command.begin(), command.end(), kPlaceholder), end; it != end;
       ++it) {
    used.insert((*it)[1].str());
  }
  if (!used.count("out")) file.Fail(command_node, "inputs.generate must write to {out}");
  std::vector<std::pair<std::string, std::vector<std::string>>> dimensions;
  if (YAML::Node values = YamlFile::Optional(section, "values")) {
    file.ExpectMap(values, "inputs.values");
    for (const auto& entry : values) {
      std::string key = file.String(entry.first, "a value name");
      if (key == "out") file.Fail(entry.first, "'out' is reserved for the generated file");
      if (!used.count(key)) {
        file.Fail(entry.first,
                  "value '" + key + "' is not used in inputs.generate as {" + key + "}");
      }
      std::vector<std::string> list;
      for (const YAML::Node& v : Values(file, entry.second, "inputs.values." + key)) {
        list.push_back(file.String(v, "inputs.values." + key));
      }
      dimensions.emplace_back(key, list);
    }
  }
  for (const std::string& name : used) {
    bool known = name == "out";
    for (const auto& d : dimensions) known = known || d.first == name;
    if (!known) file.Fail(command_node, "{" + name + "} has no list in inputs.values");
  }
  // The cartesian product of the values, first key slowest.
  std::vector<size_t> index(dimensions.size(), 0);
  while (true) {
    InputSpec input;
    input.where = file.Where(command_node);
    input.command = command;
    for (size_t d = 0; d < dimensions.size(); ++d) {
      const std::string& value = dimensions[d].second[index[d]];
      input.values.emplace_back(dimensions[d].first, value);
      input.name += (input.name.empty() ? "" : ",") + dimensions[d].first + "=" + value;
      std::string placeholder = "{" + dimensions[d].first + "}";
      for (size_t at; (at = input.command.find(placeholder)) != std::string::npos;) {
        input.command.replace(at, placeholder.size(), value);
      }
    }
    if (input.name.empty()) input.name = "generated";
    input.path = SafeFileName(input.name) + extension;  // relative until PrepareInputs
    inputs.push_back(input);
    size_t d = dimensions.size();
    while (d > 0 && ++index[d - 1] == dimensions[d - 1].second.size()) index[--d] = 0;
    if (d == 0) break;
  }
}

ComponentSpace LoadComponentSpace(const YamlFile& file, const YAML::Node& node,
                                  const workflow::Component& component) {
  ComponentSpace space;
  space.component = component.name;
  space.where = file.Where(node);
  space.cpu = {component.cpu};
  space.memory_bytes = {component.memory_bytes};
  space.parallelism = {1};
  space.cpuset = {""};
  if (!node.IsDefined() || node.IsNull()) return space;
  std::string prefix = "space." + component.name;
  file.ExpectMap(node, prefix);
  file.CheckKeys(node, {"cpu", "memory", "parallelism", "cpuset", "env"}, prefix, nullptr);
  if (YAML::Node cpu = YamlFile::Optional(node, "cpu")) {
    space.cpu.clear();
    for (const YAML::Node& v : Values(file, cpu, prefix + ".cpu")) {
      double cores = file.Cpu(v, prefix + ".cpu");
      if (!(cores > 0) || cores > 1024) file.Fail(v, prefix + ".cpu must be in (0, 1024] cores");
      space.cpu.push_back(cores);
    }
  }
  if (YAML::Node memory = YamlFile::Optional(node, "memory")) {
    space.memory_bytes.clear();
    for (const YAML::Node& v : Values(file, memory, prefix + ".memory")) {
      double bytes = file.Size(v, prefix + ".memory");
      if (bytes < 4 * 1048576.0) file.Fail(v, prefix + ".memory must be at least 4Mi");
      space.memory_bytes.push_back(bytes);
    }
  }
  if (YAML::Node parallelism = YamlFile::Optional(node, "parallelism")) {
    space.parallelism.clear();
    for (const YAML::Node& v : Values(file, parallelism, prefix + ".parallelism")) {
      space.parallelism.push_back(
          static_cast<int>(file.Integer(v, prefix + ".parallelism", 1, 1024)));
    }
  }
  if (YAML::Node cpuset = YamlFile::Optional(node, "cpuset")) {
    space.cpuset.clear();
    static const std::regex kCpuList(R"(\d+(-\d+)?(,\d+(-\d+)?)*)");
    for (const YAML::Node& v : Values(file, cpuset, prefix + ".cpuset")) {
      std::string text = file.String(v, prefix + ".cpuset");
      if (!std::regex_match(text, kCpuList)) {
        file.Fail(v, prefix + ".cpuset: '" + text + "' is not a cpu list such as 0 or 0-1 or 0,2");
      }
      space.cpuset.push_back(text);
    }
  }
  if (YAML::Node env = YamlFile::Optional(node, "env")) {
    file.ExpectMap(env, prefix + ".env");
    for (const auto& entry : env) {
      std::string name = file.String(entry.first, "an environment variable name");
      static const std::regex kName(R"([A-Za-z_][A-Za-z0-9_]*)");
      if (!std::regex_match(name, kName)) {
        file.Fail(entry.first, "'" + name + "' is not an environment variable name");
      }
      if (name == "INPUT_FILE_PATH" || name == "TMP_OUTPUT_DIR") {
        file.Fail(entry.first, name + " is set by the profiler");
      }
      std::vector<std::string> values;
      for (const YAML::Node& v : Values(file, entry.second, prefix + ".env." + name)) {
        values.push_back(file.String(v, prefix + ".env." + name));
      }
      space.environment.emplace_back(name, values);
    }
  }
  return space;
}

Arrival LoadArrival(const YamlFile& file, const YAML::Node& node) {
  Arrival arrival;
  file.ExpectMap(node, "arrival");
  file.CheckKeys(node,
                 {"batch_size", "number_of_batches", "inter_upload_time", "distribution", "seed"},
                 "arrival", nullptr);
  if (YAML::Node v = YamlFile::Optional(node, "batch_size")) {
    arrival.batch_size = static_cast<int>(file.Integer(v, "arrival.batch_size", 1, 100000));
  }
  if (YAML::Node v = YamlFile::Optional(node, "number_of_batches")) {
    arrival.number_of_batches =
        static_cast<int>(file.Integer(v, "arrival.number_of_batches", 1, 100000));
  }
  if (YAML::Node v = YamlFile::Optional(node, "inter_upload_time")) {
    arrival.inter_upload_time_s = file.Duration(v, "arrival.inter_upload_time");
    if (arrival.inter_upload_time_s < 0) file.Fail(v, "arrival.inter_upload_time must be >= 0");
  }
  if (YAML::Node v = YamlFile::Optional(node, "distribution")) {
    std::string d = file.String(v, "arrival.distribution");
    if (d != "deterministic" && d != "exponential") {
      file.Fail(v, "arrival.distribution must be deterministic or exponential, not '" + d + "'");
    }
    arrival.exponential = d == "exponential";
  }
  if (YAML::Node v = YamlFile::Optional(node, "seed")) {
    arrival.seed = static_cast<uint64_t>(file.Integer(v, "arrival.seed", 0, INT64_MAX));
  }
  if (arrival.files() > 1000000) file.Fail(node, "arrival: more than a million files per run");
  return arrival;
}

}  // namespace

std::vector<double> Arrival::UploadTimes(int repetition) const {
  std::vector<double> times;
  std::mt19937_64 random(seed + static_cast<uint64_t>(repetition));
  std::exponential_distribution<double> gap(inter_upload_time_s > 0 ? 1 / inter_upload_time_s : 1);
  double t = 0;
  for (int batch = 0; batch < number_of_batches; ++batch) {
    if (batch > 0)
      t += (exponential && inter_upload_time_s > 0) ? gap(random) : inter_upload_time_s;
    for (int i = 0; i < batch_size; ++i) times.push_back(t);
  }
  return times;
}

Campaign LoadCampaign(const std::string& path) {
  auto file = std::make_shared<const YamlFile>(YamlFile::Load(path));
  const YAML::Node& root = file->root();
  file->ExpectMap(root, "a campaign file");
  Campaign campaign;
  campaign.file = path;
  campaign.dir = fs::path(path).parent_path().string();
  if (campaign.dir.empty()) campaign.dir = ".";
  campaign.name = fs::path(path).stem().string();
  if (YAML::Node name = YamlFile::Optional(root, "name")) {
    campaign.name = file->String(name, "name");
    static const std::regex kName(R"([A-Za-z0-9][A-Za-z0-9._-]*)");
    if (!std::regex_match(campaign.name, kName)) {
      file->Fail(name, "name must be letters, digits, '.', '_' or '-'");
    }
  }

  // The backend and its own section.
  campaign.backend.file = file;
  campaign.backend.campaign_dir = campaign.dir;
  campaign.backend.where = file->Where(root);
  if (YAML::Node backend = YamlFile::Optional(root, "backend")) {
    campaign.backend.name = file->String(backend, "backend");
    campaign.backend.where = file->Where(backend);
    if (!kBackends.count(campaign.backend.name)) {
      file->Fail(backend, "unknown backend '" + campaign.backend.name + "' (local or oscar)");
    }
  }
  // (YAML::Node's operator= assigns through; reset() rebinds.)
  if (YAML::Node section = YamlFile::Optional(root, campaign.backend.name)) {
    campaign.backend.section.reset(section);
  }
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>("");
    static const std::set<std::string> kKeys = {"name",        "workflow",
                                                "backend",     "inputs",
                                                "space",       "repetitions",
                                                "arrival",     "test_single_components",
                                                "job_timeout", "interleave_repetitions"};
    if (kKeys.count(key) || key == campaign.backend.name) continue;
    if (kBackends.count(key)) {
      file->Fail(entry.first, "section '" + key + "' is for backend " + key +
                                  ", but the backend is " + campaign.backend.name);
    }
    file->Fail(entry.first, "unknown field '" + key + "' in the campaign");
  }

  // The workflow.
  YAML::Node workflow = file->Required(root, "workflow");
  std::string workflow_path = Resolve(campaign.dir, file->String(workflow, "workflow"));
  if (!fs::is_regular_file(workflow_path)) {
    file->Fail(workflow, "workflow file '" + workflow_path + "' does not exist");
  }
  campaign.workflow = workflow::LoadWorkflow(workflow_path, nullptr);
  // A component that runs its image's own command runs on OSCAR only.
  workflow::RequireScripts(campaign.workflow, campaign.backend.name == "oscar");

  // Inputs.
  YAML::Node inputs = file->Required(root, "inputs");
  file->ExpectMap(inputs, "inputs");
  file->CheckKeys(inputs, {"files", "generate", "values", "extension"}, "inputs", nullptr);
  YAML::Node files = YamlFile::Optional(inputs, "files");
  YAML::Node generate = YamlFile::Optional(inputs, "generate");
  if (files && generate) file->Fail(inputs, "inputs: give either files or generate, not both");
  if (files) {
    if (YamlFile::Optional(inputs, "values") || YamlFile::Optional(inputs, "extension")) {
      file->Fail(inputs, "inputs: values and extension go with generate, not files");
    }
    LoadFileInputs(*file, files, campaign.dir, campaign.inputs);
  } else if (generate) {
    LoadGeneratedInputs(*file, inputs, campaign.inputs);
  } else {
    file->Fail(inputs, "inputs: give files (a list) or generate (a command with {out})");
  }

  // The space: `input` and one entry per component.
  std::map<std::string, YAML::Node> component_nodes;
  if (YAML::Node space = YamlFile::Optional(root, "space")) {
    file->ExpectMap(space, "space");
    for (const auto& entry : space) {
      std::string key = file->String(entry.first, "a component name");
      if (key == "input" && !campaign.workflow.Find("input")) {
        std::vector<InputSpec> selected;
        for (const YAML::Node& v : Values(*file, entry.second, "space.input")) {
          std::string name = file->String(v, "space.input");
          auto it = std::find_if(campaign.inputs.begin(), campaign.inputs.end(),
                                 [&](const InputSpec& i) { return i.name == name; });
          if (it == campaign.inputs.end()) file->Fail(v, "no input named '" + name + "'");
          selected.push_back(*it);
        }
        campaign.inputs = selected;
        continue;
      }
      if (!campaign.workflow.Find(key)) {
        file->Fail(entry.first, "the workflow has no component '" + key + "'");
      }
      if (component_nodes.count(key)) file->Fail(entry.first, "component '" + key + "' twice");
      component_nodes.emplace(key, entry.second);
    }
  }
  for (workflow::ComponentId id : campaign.workflow.components()) {
    const workflow::Component& component = campaign.workflow.component(id);
    auto it = component_nodes.find(component.name);
    campaign.space.push_back(LoadComponentSpace(
        *file, it == component_nodes.end() ? YAML::Node() : it->second, component));
  }

  if (YAML::Node v = YamlFile::Optional(root, "repetitions")) {
    campaign.repetitions = static_cast<int>(file->Integer(v, "repetitions", 1, 1000));
  }
  if (YAML::Node v = YamlFile::Optional(root, "interleave_repetitions")) {
    campaign.interleave_repetitions = file->Bool(v, "interleave_repetitions");
  }
  if (YAML::Node v = YamlFile::Optional(root, "arrival")) campaign.arrival = LoadArrival(*file, v);
  if (YAML::Node v = YamlFile::Optional(root, "test_single_components")) {
    campaign.test_single_components = file->Bool(v, "test_single_components");
  }
  if (YAML::Node v = YamlFile::Optional(root, "job_timeout")) {
    campaign.job_timeout_s = file->Duration(v, "job_timeout");
    if (!(campaign.job_timeout_s > 0)) file->Fail(v, "job_timeout must be positive");
  }
  return campaign;
}

std::string GeneratedInputPath(const std::string& output_dir, const InputSpec& input) {
  return (fs::path(output_dir) / "inputs" / fs::path(input.path).filename()).string();
}

void PrepareInputs(Campaign& campaign, const std::string& output_dir) {
  // Absolute paths: the command runs in the campaign's folder, not in ours.
  const std::string inputs_dir = fs::absolute(output_dir).lexically_normal().string();
  for (InputSpec& input : campaign.inputs) {
    if (input.command.empty()) continue;
    std::string target = GeneratedInputPath(inputs_dir, input);
    input.path = target;
    if (fs::exists(target)) continue;
    fs::create_directories(fs::path(target).parent_path());
    // The command writes {out}, a temporary renamed onto `target` once it succeeded, so a killed
    // or failed generation never leaves a file that looks generated.
    ProduceFileAtomically(target, [&](const std::string& partial) {
      std::string log = partial + ".log";
      std::string command = input.command;
      for (size_t at; (at = command.find("{out}")) != std::string::npos;) {
        command.replace(at, 5, ShellQuote(partial));
      }
      // Everything the shell says, `cd` included, goes to the log.
      std::string shell = "{ cd " + ShellQuote(campaign.dir) + " && { " + command +
                          "\n} ; } </dev/null >" + ShellQuote(log) + " 2>&1";
      int status = std::system(shell.c_str());
      if (status != 0 || !fs::exists(partial)) {
        std::string tail;
        {
          std::ifstream in(log);
          std::stringstream buffer;
          buffer << in.rdbuf();
          tail = buffer.str();
          while (!tail.empty() && std::isspace(static_cast<unsigned char>(tail.back()))) {
            tail.pop_back();
          }
          if (tail.size() > 600) tail = "..." + tail.substr(tail.size() - 600);
        }
        fs::remove(log);
        std::string reason = status == 0         ? "it wrote no {out} file"
                             : WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                 : "killed";
        throw InputError(input.where, "generating input '" + input.name + "' failed (" + reason +
                                          (tail.empty() ? ", no output" : "") +
                                          "); fix the command and run the same command line "
                                          "again (inputs already generated are kept)" +
                                          (tail.empty() ? "" : ":\n" + tail));
      }
      fs::remove(log);
    });
  }
}

}  // namespace twinprof::profile
