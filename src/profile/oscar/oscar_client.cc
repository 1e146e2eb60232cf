#include "profile/oscar/oscar_client.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "core/base64.h"
#include "core/error.h"
#include "core/units.h"

namespace twinprof::profile::oscar {
namespace {

using nlohmann::json;

json StorageList(const std::vector<std::string>& paths) {
  json list = json::array();
  for (const auto& path : paths) {
    list.push_back({{"storage_provider", "minio.default"}, {"path", path}});
  }
  return list;
}

}  // namespace

std::string FormatCpuQuantity(double cores) {
  const long millis = std::lround(cores * 1000);
  if (millis % 1000 == 0) return std::to_string(millis / 1000);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", millis / 1000.0);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  return text;
}

std::string FormatMemoryQuantity(double bytes) {
  return std::to_string(static_cast<long long>(std::ceil(bytes / 1048576.0))) + "Mi";
}

json ServiceSpec::ToJson() const {
  json variables = json::object();
  for (const auto& [key, value] : environment) variables[key] = value;
  json service = {
      {"name", name},
      {"image", image},
      {"cpu", FormatCpuQuantity(cpu)},
      {"memory", FormatMemoryQuantity(memory_bytes)},
      {"total_cpu", FormatCpuQuantity(cpu * parallelism)},
      {"total_memory", FormatMemoryQuantity(memory_bytes * parallelism)},
      {"log_level", log_level},
      {"input", StorageList(input_paths)},
      {"output", StorageList(output_paths)},
      {"environment", {{"variables", variables}}},
  };
  if (!script.empty()) service["script"] = script;  // none: the image's own command runs
  if (!cluster_id.empty()) service["cluster_id"] = cluster_id;
  return service;
}

OscarClient::OscarClient(HttpOptions options, Credentials credentials)
    : http_(std::move(options)), credentials_(std::move(credentials)) {}

HttpResponse OscarClient::System(const std::string& method, const std::string& path,
                                 const std::string& body, bool not_found_ok) {
  HttpClient::Request request;
  request.method = method;
  request.path = path;
  request.body = body;
  if (!body.empty()) request.content_type = "application/json";
  request.auth = credentials_.auth;
  request.not_found_ok = not_found_ok;
  return http_.Send(request);
}

void OscarClient::CheckReachable() {
  HttpClient::Request request;
  request.method = "GET";
  request.path = "/health";
  request.not_found_ok = true;
  request.read_timeout = http_.options().connect_timeout;
  request.max_attempts = 1;
  const std::string what = DescribeRequest(http_.endpoint(), "GET", "/health");
  HttpResponse response;
  try {
    response = http_.Send(request);
  } catch (const HttpUnavailableError& e) {
    if (e.cause() != HttpUnavailableError::Cause::kNoAnswer) throw;
    throw HttpUnavailableError(
        e.cause(), what + ": the server took the connection but did not answer within " +
                       FormatSeconds(http_.options().connect_timeout.count() / 1000.0) +
                       "; check the endpoint in the campaign's oscar section (is it OSCAR's API, "
                       "not another service on that port?) and that the cluster is healthy "
                       "(connect_timeout sets how long to wait)");
  }
  if (response.status != 200) {
    throw InputError(what + ": answered " + std::to_string(response.status) +
                     ", not OSCAR's health answer; check the endpoint in the campaign's oscar "
                     "section: is it an OSCAR cluster's API (https://HOST, without a path)?");
  }
}

[[noreturn]] void OscarClient::ServiceGone(const std::string& method, const std::string& path,
                                           const std::string& service) {
  throw InputError(DescribeRequest(http_.endpoint(), method, path) + ": 404: the service '" +
                   service +
                   "' is gone from the cluster (deleted while the campaign ran, or the cluster "
                   "restarted without it); the finished runs are kept: `twinprof profile "
                   "CAMPAIGN -o DIR --resume` deploys it again and goes on");
}

bool OscarClient::ServiceExists(const std::string& name) {
  return System("GET", "/system/services/" + UrlEncode(name), "", true).status != 404;
}

void OscarClient::CreateOrUpdateService(const ServiceSpec& spec) {
  const std::string body = spec.ToJson().dump();
  if (ServiceExists(spec.name)) {
    System("PUT", "/system/services", body);
  } else {
    System("POST", "/system/services", body);
  }
}

std::string OscarClient::ReadServiceToken(const std::string& name) {
  const std::string path = "/system/services/" + UrlEncode(name);
  const std::string what = DescribeRequest(http_.endpoint(), "GET", path);
  const HttpResponse response = System("GET", path, "", true);
  if (response.status == 404) ServiceGone("GET", path, name);
  const json doc = ParseJsonObject(response.body, what, "a service definition");
  const auto token = doc.find("token");
  if (token == doc.end() || token->is_null()) {
    throw InputError(what + ": field 'token' is missing from the service definition");
  }
  if (!token->is_string() || token->get<std::string>().empty()) {
    throw InputError(what + ": field 'token' should be a non-empty string");
  }
  return token->get<std::string>();
}

void OscarClient::DeleteService(const std::string& name) {
  System("DELETE", "/system/services/" + UrlEncode(name), "", true);
}

void OscarClient::InvokeAsync(const std::string& service, const std::string& token,
                              const std::string& input) {
  HttpClient::Request request;
  request.method = "POST";
  request.path = "/job/" + UrlEncode(service);
  request.body = Base64Encode(input);
  request.content_type = "application/octet-stream";
  request.auth = HttpAuth::Bearer(token);
  request.idempotent = false;
  request.not_found_ok = true;
  if (http_.Send(request).status == 404) ServiceGone("POST", request.path, service);
}

void OscarClient::ReadPages(const std::string& base,
                            const std::function<std::string(const HttpResponse&, const std::string&,
                                                            const std::string&)>& read_page) {
  std::string page_token;
  std::set<std::string> seen_tokens;
  for (;;) {
    const std::string path = page_token.empty() ? base : base + "?page=" + UrlEncode(page_token);
    const std::string what = DescribeRequest(http_.endpoint(), "GET", path);
    const std::string next = read_page(System("GET", path, "", true), path, what);
    if (next.empty()) return;
    if (!seen_tokens.insert(next).second) {
      throw InputError(what + ": field 'next_page' repeats an earlier page token ('" + next +
                       "'); the listing would never end");
    }
    page_token = next;
  }
}

std::map<std::string, JobInfo> OscarClient::ListJobs(const std::string& service) {
  std::map<std::string, JobInfo> jobs;
  ReadPages("/system/logs/" + UrlEncode(service),
            [&](const HttpResponse& response, const std::string& path,
                const std::string& what) -> std::string {
              if (response.status == 404) ServiceGone("GET", path, service);
              JobsPage page = ParseJobsPage(response.body, what);
              jobs.merge(page.jobs);
              return page.paginated ? page.next_page : "";
            });
  return jobs;
}

std::map<std::string, double> OscarClient::ListBucket(const std::string& bucket) {
  std::map<std::string, double> objects;
  ReadPages(
      "/system/buckets/" + UrlEncode(bucket),
      [&](const HttpResponse& response, const std::string& /*path*/,
          const std::string& what) -> std::string {
        if (response.status == 404) return "";
        const json doc = ParseJsonObject(response.body, what, "a bucket's details");
        const auto list = doc.find("objects");
        if (list != doc.end() && !list->is_null()) {
          if (!list->is_array()) throw InputError(what + ": field 'objects' should be an array");
          for (size_t i = 0; i < list->size(); ++i) {
            const json& object = (*list)[i];
            const std::string where = "objects[" + std::to_string(i) + "]";
            if (!object.is_object() || !object.contains("object_name") ||
                !object["object_name"].is_string() || !object.contains("size_bytes") ||
                !object["size_bytes"].is_number()) {
              throw InputError(what + ": field '" + where +
                               "' should be an object with object_name (string) and size_bytes "
                               "(number)");
            }
            objects[object["object_name"].get<std::string>()] = object["size_bytes"].get<double>();
          }
        }
        const auto next = doc.find("next_page");
        if (next == doc.end() || next->is_null()) return "";
        if (!next->is_string()) throw InputError(what + ": field 'next_page' should be a string");
        return next->get<std::string>();
      });
  return objects;
}

std::string OscarClient::JobLog(const std::string& service, const std::string& job) {
  const HttpResponse response = System(
      "GET", "/system/logs/" + UrlEncode(service) + "/" + UrlEncode(job) + "?timestamps=true", "",
      true);
  return response.status == 404 ? std::string() : response.body;
}

void OscarClient::DeleteJobs(const std::string& service) {
  System("DELETE", "/system/logs/" + UrlEncode(service) + "?all=true", "", true);
}

}  // namespace twinprof::profile::oscar
