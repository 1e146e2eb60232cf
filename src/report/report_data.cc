#include "report/report_data.h"

#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include "core/job_record.h"
#include "core/run_parameters.h"

namespace twinprof::report {

namespace {

bool SameValue(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::optional<double> x = ParseParameterNumber(a), y = ParseParameterNumber(b);
  return x && y && *x == *y;
}

}  // namespace

std::string RunTimeline::ShortLabel() const {
  std::string label = name + " run " + std::to_string(run_id);
  if (measured) label += ", rep. " + std::to_string(repetition);
  if (!mode.empty() && mode != "workflow") label += ", " + mode;
  return label;
}

std::string RunTimeline::ConfigurationLabel() const {
  std::string label;
  for (const auto& [key, value] : parameters) {
    if (key == "mode") continue;
    if (!label.empty()) label += ", ";
    label += key + "=" + value;
  }
  return label.empty() ? "default configuration" : label;
}

int ReportData::MeasuredRuns() const {
  int count = 0;
  for (const RunTimeline& run : runs) count += run.measured ? 1 : 0;
  return count;
}

int ReportData::SimulatedRuns() const { return static_cast<int>(runs.size()) - MeasuredRuns(); }

std::string CanonicalParameterName(const std::string& name) {
  constexpr std::string_view kResources = "resources.";
  if (name.rfind(kResources, 0) == 0) return name.substr(kResources.size());
  return name;
}

int ConfigurationMatch(const RunTimeline& measured, const RunTimeline& simulated) {
  int shared = 0;
  for (const auto& [sim_key, sim_value] : simulated.parameters) {
    std::string key = CanonicalParameterName(sim_key);
    for (const auto& [measured_key, measured_value] : measured.parameters) {
      if (CanonicalParameterName(measured_key) != key) continue;
      if (!SameValue(sim_value, measured_value)) return -1;
      ++shared;
    }
  }
  return shared;
}

std::vector<std::pair<int, int>> PairRuns(const ReportData& data) {
  std::vector<std::pair<int, int>> pairs;
  std::vector<bool> used(data.runs.size(), false);
  for (size_t m = 0; m < data.runs.size(); ++m) {
    if (!data.runs[m].measured) continue;
    // A simulated run that names none of the measured run's parameters (a target platform
    // simulated as it is, not a replay) is no counterpart: it is shown on its own.
    int best = -1, best_match = 0;
    for (size_t s = 0; s < data.runs.size(); ++s) {
      if (data.runs[s].measured) continue;
      int match = ConfigurationMatch(data.runs[m], data.runs[s]);
      if (match > best_match) {
        best = static_cast<int>(s);
        best_match = match;
      }
    }
    if (best >= 0) used[best] = true;
    pairs.emplace_back(static_cast<int>(m), best);
  }
  for (size_t s = 0; s < data.runs.size(); ++s) {
    if (!data.runs[s].measured && !used[s]) pairs.emplace_back(-1, static_cast<int>(s));
  }
  return pairs;
}

namespace {

std::string ShortestNumber(const std::string& text) {
  std::optional<double> number = ParseParameterNumber(text);
  return number ? FormatDouble(*number) : text;
}

// The run's parameters, canonical names and shortest numbers, sorted by name ("mode" left out).
std::map<std::string, std::string> CanonicalParameters(const RunTimeline& run) {
  std::map<std::string, std::string> parameters;
  for (const auto& [key, value] : run.parameters) {
    if (key != "mode") parameters[CanonicalParameterName(key)] = ShortestNumber(value);
  }
  return parameters;
}

// Labels of the runs of one kind (`measured` or not) read from one input, from the parameters that
// vary among them; returns those parameters' names. Each input is labelled on its own: a target
// platform simulated once (`--set calibration=FILE`) is not told apart from a replay of the
// measured runs by the one setting only it has.
std::set<std::string> LabelRunsOfOneInput(const ReportData& data, bool measured,
                                          const std::string& input,
                                          std::vector<std::string>* labels) {
  std::vector<size_t> runs;
  std::vector<std::map<std::string, std::string>> parameters;
  for (size_t i = 0; i < data.runs.size(); ++i) {
    if (data.runs[i].measured != measured || data.runs[i].input != input) continue;
    runs.push_back(i);
    parameters.push_back(CanonicalParameters(data.runs[i]));
  }
  std::set<std::string> varying;
  for (size_t a = 0; a < parameters.size(); ++a) {
    for (const auto& [name, value] : parameters[a]) {
      for (size_t b = 0; b < parameters.size(); ++b) {
        auto it = parameters[b].find(name);
        if (it == parameters[b].end() || it->second != value) varying.insert(name);
      }
    }
  }
  bool named_inputs = false;
  for (const std::string& name : varying) named_inputs |= name.rfind("input.", 0) == 0;
  if (named_inputs) varying.erase("input");
  for (size_t k = 0; k < runs.size(); ++k) {
    const RunTimeline& run = data.runs[runs[k]];
    std::string label;
    for (const auto& [name, value] : parameters[k]) {
      if (varying.count(name) == 0) continue;
      label += (label.empty() ? "" : ", ") + name + "=" + value;
    }
    if (!run.mode.empty() && run.mode != "workflow") {
      label = run.mode + (label.empty() ? "" : ": " + label);
    }
    (*labels)[runs[k]] = label;
  }
  return varying;
}

// LabelRunsOfOneInput for every input that holds runs of that kind; the union of what varies.
std::set<std::string> LabelRuns(const ReportData& data, bool measured,
                                std::vector<std::string>* labels) {
  std::set<std::string> inputs;
  for (const RunTimeline& run : data.runs) {
    if (run.measured == measured) inputs.insert(run.input);
  }
  std::set<std::string> varying;
  for (const std::string& input : inputs) {
    varying.merge(LabelRunsOfOneInput(data, measured, input, labels));
  }
  return varying;
}

}  // namespace

std::vector<std::string> ShortConfigurationLabels(const ReportData& data) {
  std::vector<std::string> labels(data.runs.size());
  std::set<std::string> varying = LabelRuns(data, true, &labels);
  LabelRuns(data, false, &labels);
  // A simulated run takes a measured run's label when it has every parameter that tells the
  // measured runs apart, with the same values (not when it only shares some of them).
  for (const auto& [measured, simulated] : PairRuns(data)) {
    if (measured < 0 || simulated < 0 ||
        ConfigurationMatch(data.runs[measured], data.runs[simulated]) <= 0) {
      continue;
    }
    std::map<std::string, std::string> simulated_parameters =
        CanonicalParameters(data.runs[simulated]);
    bool covers = true;
    for (const auto& [name, value] : CanonicalParameters(data.runs[measured])) {
      if (varying.count(name) == 0) continue;
      auto it = simulated_parameters.find(name);
      covers = covers && it != simulated_parameters.end() && it->second == value;
    }
    if (covers) labels[simulated] = labels[measured];
  }
  return labels;
}

}  // namespace twinprof::report
