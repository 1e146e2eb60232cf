#include "profile/local/local_backend.h"

#include "core/yaml_file.h"
#include "profile/local/local_run.h"

namespace twinprof::profile::local {

LocalBackendOptions ParseLocalBackendOptions(const BackendConfig& config) {
  LocalBackendOptions options;
  if (!config.file || !config.section.IsDefined() || config.section.IsNull()) return options;
  const YamlFile& file = *config.file;
  file.ExpectMap(config.section, "the local section");
  file.CheckKeys(config.section, {"prioritize_jobs", "keep_job_dirs"}, "the local section",
                 nullptr);
  if (YAML::Node v = YamlFile::Optional(config.section, "prioritize_jobs")) {
    options.prioritize_jobs = file.Bool(v, "local.prioritize_jobs");
  }
  if (YAML::Node v = YamlFile::Optional(config.section, "keep_job_dirs")) {
    options.keep_job_dirs = file.Bool(v, "local.keep_job_dirs");
  }
  return options;
}

LocalBackend::LocalBackend(LocalBackendOptions options) : options_(options) {}
LocalBackend::~LocalBackend() = default;

RunResult LocalBackend::Run(const RunRequest& request, const RunObserver& observer) {
  if (!cgroups_) cgroups_ = std::make_unique<Cgroups>(options_.prioritize_jobs);
  std::vector<std::string> notes;
  if (!noted_) {
    notes = cgroups_->notes();
    noted_ = true;
  }
  RunResult result = LocalRun(request, observer, *cgroups_, options_).Execute();
  result.notes = notes;
  return result;
}

}  // namespace twinprof::profile::local
