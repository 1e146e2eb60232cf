#include "profile/oscar/oscar_options.h"

#include <chrono>

namespace twinprof::profile::oscar {
namespace {

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000 + 0.5));
}

}  // namespace

OscarOptions ParseOscarOptions(const BackendConfig& config) {
  if (!config.file) throw InputError(config.where, "the oscar backend needs its campaign file");
  const YamlFile& file = *config.file;
  const YAML::Node& section = config.section;
  if (!section.IsDefined() || section.IsNull()) {
    throw InputError(config.where,
                     "'backend: oscar' needs an 'oscar:' section with at least 'endpoint: "
                     "https://HOST' (credentials come from OSCAR_USER/OSCAR_PASSWORD or "
                     "OSCAR_TOKEN in the environment)");
  }
  file.ExpectMap(section, "the 'oscar' section");
  for (const char* secret : {"password", "token", "user"}) {
    if (section[secret].IsDefined()) {
      file.Fail(section[secret], std::string("'") + secret +
                                     "' does not belong in a campaign file; set OSCAR_USER and "
                                     "OSCAR_PASSWORD (or OSCAR_TOKEN) in the environment");
    }
  }
  file.CheckKeys(section,
                 {"endpoint", "cluster_id", "insecure", "arch", "bucket", "connect_timeout",
                  "read_timeout", "max_attempts", "initial_backoff", "max_backoff", "poll_interval",
                  "run_timeout", "settle", "cleanup_jobs", "delete_services"},
                 "the 'oscar' section", nullptr);
  // Single-component tests need the intermediate files, which stay in the cluster's MinIO.
  if (const YAML::Node single = YamlFile::Optional(file.root(), "test_single_components")) {
    if (file.Bool(single, "test_single_components")) {
      file.Fail(single,
                "test_single_components is not supported by the oscar backend: the intermediate "
                "files stay in the cluster's MinIO, which twinprof does not read; profile the "
                "components alone with a campaign of their own (or use the local backend)");
    }
  }
  OscarOptions options;
  const YAML::Node endpoint = file.Required(section, "endpoint");
  options.http.endpoint = file.String(endpoint, "the OSCAR endpoint");
  try {
    HttpClient probe(options.http);  // validates the URL only; no request is made
    options.http.endpoint = probe.endpoint();
  } catch (const InputError& e) {
    throw InputError(file.Where(endpoint), e.message());
  }
  const auto optional = [&](const char* key) { return YamlFile::Optional(section, key); };
  if (auto n = optional("cluster_id")) options.cluster_id = file.String(n, "cluster_id");
  if (auto n = optional("insecure")) options.http.insecure = file.Bool(n, "insecure");
  if (config.insecure_tls) options.http.insecure = true;  // profile --insecure
  if (auto n = optional("arch")) {
    options.arch = file.String(n, "arch");
    if (options.arch != "x86_64" && options.arch != "arm64") {
      file.Fail(n, "arch should be x86_64 or arm64, not '" + options.arch + "'");
    }
  }
  if (auto n = optional("bucket")) options.bucket = file.String(n, "bucket");
  const auto duration = [&](const char* key, double min_s, double* out) {
    if (auto n = optional(key)) {
      *out = file.Duration(n, key);
      if (*out < min_s) {
        file.Fail(n, std::string(key) + " should be at least " + std::to_string(min_s) + " s");
      }
    }
  };
  double connect = 5, read = 60, initial = 0.5, max_backoff = 30;
  duration("connect_timeout", 0.001, &connect);
  duration("read_timeout", 0.001, &read);
  duration("initial_backoff", 0, &initial);
  duration("max_backoff", 0, &max_backoff);
  duration("poll_interval", 0.01, &options.poll_interval_s);
  duration("run_timeout", 0.1, &options.run_timeout_s);
  duration("settle", 0, &options.settle_s);
  options.http.connect_timeout = Millis(connect);
  options.http.read_timeout = Millis(read);
  options.http.initial_backoff = Millis(initial);
  options.http.max_backoff = Millis(max_backoff);
  if (auto n = optional("max_attempts")) {
    options.http.max_attempts = static_cast<int>(file.Integer(n, "max_attempts", 1, 100));
  }
  if (auto n = optional("cleanup_jobs")) options.cleanup_jobs = file.Bool(n, "cleanup_jobs");
  if (auto n = optional("delete_services")) {
    options.delete_services = file.Bool(n, "delete_services");
  }
  return options;
}

}  // namespace twinprof::profile::oscar
