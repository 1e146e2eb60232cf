// OscarClient: the calls of the OSCAR REST API (docs/oscar-openapi-v2.yaml) that profiling
// needs, with typed results.
//
// /system/* calls authenticate with the cluster credentials (Basic or OIDC bearer, from the
// environment); /job/{service} with the service's own token (Bearer), which ReadServiceToken()
// fetches. Errors are those of HttpClient (InputError for 4xx and contract breaches, naming the
// endpoint or the JSON field; HttpUnavailableError when retries run out; HttpAmbiguousError when an
// invocation's answer was lost or a 5xx). A 404 for a service the run deployed says that the
// service is gone, not to check the endpoint: CheckReachable() has checked the endpoint.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "profile/oscar/credentials.h"
#include "profile/oscar/http_client.h"
#include "profile/oscar/job_info.h"

namespace twinprof::profile::oscar {

// What the profiler sets on a service (FDL semantics). Quantities are Kubernetes strings.
struct ServiceSpec {
  std::string name;
  std::string cluster_id;
  std::string image;
  std::string script;       // the script's text ("": the image's own command runs)
  double cpu = 1;           // cores per job
  double memory_bytes = 0;  // per job
  int parallelism = 1;      // jobs at once: total_cpu = cpu x parallelism, likewise memory
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<std::string> input_paths;  // "bucket/folder" in the cluster's MinIO
  std::vector<std::string> output_paths;
  std::string log_level = "INFO";  // the supervisor must log at INFO for the script lines

  // The JSON body of POST/PUT /system/services.
  nlohmann::json ToJson() const;
};

// "1", "0.5", "1.25": a CPU amount as OSCAR expects it (a decimal string, millicore precision).
std::string FormatCpuQuantity(double cores);
// "512Mi": a memory amount in whole MiB (rounded up).
std::string FormatMemoryQuantity(double bytes);

class OscarClient {
 public:
  OscarClient(HttpOptions options, Credentials credentials);

  // GET /health, once, with the connect timeout as read timeout:
  // tells within seconds whether the endpoint is an OSCAR cluster that answers. Throws
  // HttpUnavailableError (unreachable, or accepts but never answers) or InputError (answers, but
  // not as OSCAR does), each saying what to check.
  void CheckReachable();

  // Creates the service, or updates it when it exists (GET decides). Waits for nothing.
  void CreateOrUpdateService(const ServiceSpec& spec);
  // True when GET /system/services/{name} finds it.
  bool ServiceExists(const std::string& name);
  // The service's invocation token (field "token" of GET /system/services/{name}). Throws
  // InputError when absent, or when the service is gone (404).
  std::string ReadServiceToken(const std::string& name);
  // DELETE /system/services/{name}; a missing service is not an error.
  void DeleteService(const std::string& name);

  // POST /job/{service} with `input` base64-encoded (the FaaS Supervisor decodes a non-JSON event
  // as base64 and stores it as the input file). Never retried once sent: throws
  // HttpAmbiguousError when the answer is lost.
  void InvokeAsync(const std::string& service, const std::string& token, const std::string& input);

  // Every job of the service: follows next_page until the last page. A 404 means the service is
  // gone (deleted, or the cluster restarted without it): InputError saying so.
  std::map<std::string, JobInfo> ListJobs(const std::string& service);
  // The objects of a bucket of the cluster's MinIO with their sizes in bytes
  // (GET /system/buckets/{bucket}, every page); empty when the bucket is not there (404).
  std::map<std::string, double> ListBucket(const std::string& bucket);
  // The job's log with Kubernetes timestamps; "" when the job or its pod is gone (404).
  std::string JobLog(const std::string& service, const std::string& job);
  // DELETE /system/logs/{service}?all=true: removes every job of the service (and its pods).
  void DeleteJobs(const std::string& service);

  HttpClient& http() { return http_; }

 private:
  HttpResponse System(const std::string& method, const std::string& path,
                      const std::string& body = "", bool not_found_ok = false);
  // Reads a paginated listing (OSCAR's `?page=TOKEN`) starting at `base`: `read_page` gets each
  // page's answer (a 404 included), its path and `what` (the request, for messages) and returns
  // the next page's token, "" after the last page. Throws InputError when a token repeats (the
  // listing would never end).
  void ReadPages(
      const std::string& base,
      const std::function<std::string(const HttpResponse& response, const std::string& path,
                                      const std::string& what)>& read_page);
  // InputError for a 404 of `method` `path` about `service`, which the run deployed.
  [[noreturn]] void ServiceGone(const std::string& method, const std::string& path,
                                const std::string& service);

  HttpClient http_;
  Credentials credentials_;
};

}  // namespace twinprof::profile::oscar
