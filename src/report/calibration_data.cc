#include "report/calibration_data.h"

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/yaml_file.h"

namespace twinprof::report {

namespace {

constexpr const char* kFormat = "twinprof-calibration-1";

}  // namespace

bool IsCalibrationFile(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  if (extension != ".yaml" && extension != ".yml") return false;
  try {
    YamlFile file = YamlFile::Load(path);
    const YAML::Node& root = file.root();
    return root.IsMap() && root["format"] && root["format"].IsScalar() &&
           root["format"].as<std::string>() == kFormat;
  } catch (const std::exception&) {
    return false;
  }
}

void LoadCalibration(const std::string& path, ReportData* data) {
  YamlFile file = YamlFile::Load(path);
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "a calibration file");
  CalibrationSet set;
  set.path = path;
  if (YAML::Node workflow = YamlFile::Optional(root, "workflow")) {
    set.workflow = file.String(workflow, "workflow");
  }
  if (YAML::Node reference = YamlFile::Optional(root, "reference_node_type")) {
    set.reference_node_type = file.String(reference, "reference_node_type");
  }
  YAML::Node fit = YamlFile::Optional(root, "fit");
  if (fit) {
    file.ExpectMap(fit, "fit");
    if (YAML::Node converged = YamlFile::Optional(fit, "converged")) {
      set.converged = file.Bool(converged, "fit.converged");
    }
    if (YAML::Node fitted_on = YamlFile::Optional(fit, "data")) {
      file.ExpectSequence(fitted_on, "fit.data");
      for (const YAML::Node& item : fitted_on) set.data.push_back(file.String(item, "fit.data"));
    }
    if (YAML::Node records = YamlFile::Optional(fit, "records")) {
      file.ExpectMap(records, "fit.records");
      for (const auto& entry : records) {
        set.records.emplace_back(
            entry.first.as<std::string>(),
            static_cast<int>(file.Integer(entry.second, "fit.records", 0, 1'000'000'000)));
      }
    }
    // {component: {phase: number}}, for fit.mape and fit.mean_seconds.
    auto read_phases = [&](const char* key, CalibrationSet::PhaseValues& into) {
      YAML::Node node = YamlFile::Optional(fit, key);
      if (!node) return;
      const std::string what = std::string("fit.") + key;
      file.ExpectMap(node, what);
      for (const auto& component : node) {
        std::string name = component.first.as<std::string>();
        file.ExpectMap(component.second, what + "." + name);
        std::vector<std::pair<std::string, double>> phases;
        for (const auto& phase : component.second) {
          std::string phase_name = phase.first.as<std::string>();
          // `calibrate` writes .nan for a phase it had no records of: nothing to draw.
          if (phase.second.IsScalar() && phase.second.as<std::string>() == ".nan") continue;
          phases.emplace_back(phase_name,
                              file.Number(phase.second, what + "." + name + "." + phase_name));
        }
        into.emplace_back(name, std::move(phases));
      }
    };
    read_phases("mape", set.mape);
    read_phases("mean_seconds", set.mean_seconds);
    if (YAML::Node parameters = YamlFile::Optional(fit, "parameters")) {
      file.ExpectMap(parameters, "fit.parameters");
      for (const auto& entry : parameters) {
        CalibrationSet::Parameter parameter;
        parameter.name = entry.first.as<std::string>();
        const std::string what = "fit.parameters." + parameter.name;
        file.ExpectMap(entry.second, what);
        parameter.value = file.Number(file.Required(entry.second, "value"), what + ".value");
        YAML::Node error = file.Required(entry.second, "standard_error");
        file.ExpectScalar(error, what + ".standard_error");
        if (error.as<std::string>() == "not identified") {
          parameter.identified = false;
          parameter.standard_error = std::nan("");
        } else if (error.as<std::string>() == ".nan") {
          // calibrate writes .nan where no standard error applies: with a note, a value fitted
          // on a bound of the fit (the note says which); without, the data gave no spread to
          // estimate an error from (an output file count that never varied), shown as unknown
          // like an unidentified one.
          parameter.standard_error = std::nan("");
          if (YAML::Node note = YamlFile::Optional(entry.second, "note")) {
            parameter.why = file.String(note, what + ".note");
          } else {
            parameter.identified = false;
            parameter.why = "calibrate could not estimate its standard error";
          }
        } else {
          parameter.standard_error = file.Number(error, what + ".standard_error");
          if (!(parameter.standard_error >= 0)) {
            file.Fail(error, what + ".standard_error: must be >= 0 or 'not identified'");
          }
        }
        if (YAML::Node why = YamlFile::Optional(entry.second, "why")) {
          parameter.why = file.String(why, what + ".why");
        }
        set.parameters.push_back(std::move(parameter));
      }
    }
  }
  int identified = 0;
  for (const auto& parameter : set.parameters) identified += parameter.identified ? 1 : 0;
  std::string summary = std::to_string(set.parameters.size()) + " fitted parameters (" +
                        std::to_string(identified) + " identified)";
  if (!set.workflow.empty()) summary += ", workflow " + set.workflow;
  if (!set.converged) summary += "; the fit did not converge";
  data->inputs.push_back({path, "calibration", summary});
  data->calibrations.push_back(std::move(set));
}

}  // namespace twinprof::report
