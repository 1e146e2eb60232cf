#include "fake_oscar.h"

#include <httplib.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "core/base64.h"
#include "core/units.h"
#include "profile/local/cgroup.h"
#include "profile/local/job_process.h"

namespace twinprof::test {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Set by the pre-routing handler when this request's answer is to be lost (kDrop) or replaced by
// a gateway's 502 (k502After).
thread_local bool drop_answer = false;
thread_local bool fail_after = false;

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "2024-05-01T10:20:30Z" (truncated to the second, as Kubernetes reports).
std::string Rfc3339Seconds(double t) {
  const time_t secs = static_cast<time_t>(std::floor(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// MinIO's event time: "2024-05-01T10:20:30.123Z".
std::string Rfc3339Millis(double t) {
  std::string text = Rfc3339Seconds(t);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", static_cast<int>((t - std::floor(t)) * 1000));
  return text.substr(0, text.size() - 1) + millis + "Z";
}

// Kubernetes' log prefix "2024-05-01T10:20:30.123456789Z" and the supervisor's asctime
// "2024-05-01 10:20:30,123".
std::string LogLine(double t, const std::string& message) {
  const time_t secs = static_cast<time_t>(std::floor(t));
  const long nanos = static_cast<long>((t - std::floor(t)) * 1e9);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  char clock[32];
  std::strftime(clock, sizeof clock, "%H:%M:%S", &tm);
  char line[256];
  std::snprintf(line, sizeof line, "%sT%s.%09ldZ %s %s,%03ld - supervisor - INFO - ", date, clock,
                nanos, date, clock, nanos / 1000000);
  return line + message + "\n";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& path, const std::string& data) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

std::vector<std::string> Paths(const json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& io : list) {
    if (io.is_object() && io.contains("path") && io["path"].is_string()) {
      out.push_back(io["path"].get<std::string>());
    }
  }
  return out;
}

}  // namespace

struct FakeOscar::Job {
  std::string name;
  std::string service;
  std::string input_file;
  std::string bucket, key;  // the triggering object (bucket-triggered jobs)
  std::string event_line;
  std::mutex mu;
  std::string status = "Pending";
  std::optional<double> creation, start, finish;
  std::string log;
  bool deleted = false;

  json Info() {
    std::lock_guard<std::mutex> lock(mu);
    json info = {{"status", status}};
    if (creation) info["creation_time"] = Rfc3339Seconds(*creation);
    if (start) info["start_time"] = Rfc3339Seconds(*start);
    if (finish) info["finish_time"] = Rfc3339Seconds(*finish);
    return info;
  }
  void Log(const std::string& message) {
    std::lock_guard<std::mutex> lock(mu);
    log += LogLine(Now(), message);
  }
};

struct FakeOscar::Service {
  json spec;
  std::string token;
  double cpu = 1;
  double memory = 0;
  int slots = 1;
  int running = 0;
  int created = 0;
  std::deque<std::shared_ptr<Job>> queue;
  std::map<std::string, std::shared_ptr<Job>> jobs;
  fs::path script;
};

FakeOscar::FakeOscar(Options options) : options_(std::move(options)) {
  fs::create_directories(options_.work_dir);
  if (options_.enforce_limits) cgroups_ = std::make_unique<profile::local::Cgroups>(false);
  server_ = std::make_unique<httplib::Server>();
  Route();
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("FakeOscar: cannot bind 127.0.0.1");
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeOscar::~FakeOscar() {
  stopping_ = true;
  server_->stop();
  if (listener_.joinable()) listener_.join();
  for (;;) {  // a finishing job may still have started another before it saw stopping_
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      workers.swap(workers_);
    }
    if (workers.empty()) break;
    for (auto& w : workers) w.join();
  }
}

std::string FakeOscar::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeOscar::AddFault(const Fault& fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(fault);
  fault_seen_.push_back(0);
}

void FakeOscar::StickPending(const std::string& service) {
  std::lock_guard<std::mutex> lock(mu_);
  stuck_.insert(service);
}

int FakeOscar::jobs_created(const std::string& service) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = services_.find(service);
  return it == services_.end() ? 0 : it->second->created;
}

std::vector<std::string> FakeOscar::service_names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, s] : services_) names.push_back(name);
  return names;
}

json FakeOscar::service(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = services_.find(name);
  return it == services_.end() ? json() : it->second->spec;
}

bool FakeOscar::Authorized(const std::string& header) const {
  if (header ==
      httplib::make_basic_authentication_header(options_.user, options_.password).second) {
    return true;
  }
  return !options_.oidc_token.empty() && header == "Bearer " + options_.oidc_token;
}

std::string FakeOscar::Uuid4() {
  static const char* kHex = "0123456789abcdef";
  std::string uuid;
  for (int i = 0; i < 32; ++i) {
    int digit = static_cast<int>(rng_() % 16);
    if (i == 12) digit = 4;                // version 4
    if (i == 16) digit = 8 + (digit & 3);  // variant 10xx
    if (i == 8 || i == 12 || i == 16 || i == 20) uuid += '-';
    uuid += kHex[digit];
  }
  return uuid;
}

void FakeOscar::CreateJob(const std::string& service_name, const std::string& input_file,
                          const std::string& bucket, const std::string& key,
                          const std::string& event_line) {
  // mu_ held by the caller.
  auto& service = services_.at(service_name);
  auto job = std::make_shared<Job>();
  ++next_id_;
  job->name = service_name + "-" + Uuid4();  // as OSCAR's POST /job and bucket triggers name them
  job->service = service_name;
  job->input_file = input_file;
  job->bucket = bucket;
  job->key = key;
  job->event_line = event_line;
  service->jobs[job->name] = job;
  service->queue.push_back(job);
  ++service->created;
  Dispatch();
}

void FakeOscar::Dispatch() {
  if (stopping_) return;
  for (auto& [name, service] : services_) {
    if (stuck_.count(name)) continue;
    while (service->running < service->slots && !service->queue.empty()) {
      auto job = service->queue.front();
      service->queue.pop_front();
      ++service->running;
      {
        std::lock_guard<std::mutex> lock(job->mu);
        job->creation = Now();
      }
      workers_.emplace_back([this, job, service = service] { RunJob(job, service); });
    }
  }
}

void FakeOscar::RunJob(std::shared_ptr<Job> job, std::shared_ptr<Service> service) {
  const auto sleep = [](double s) {
    std::this_thread::sleep_for(std::chrono::duration<double>(s));
  };
  sleep(options_.pod_start_delay_s);
  {
    std::lock_guard<std::mutex> lock(job->mu);
    job->start = Now();
    job->status = "Running";
  }
  job->Log("SUPERVISOR: Initializing Binary supervisor");
  const fs::path dir = fs::path(options_.work_dir) / "jobs" / job->name;
  const fs::path input = dir / "input" / fs::path(job->input_file).filename();
  const fs::path output = dir / "output";
  fs::create_directories(output);
  if (!job->key.empty()) {
    job->Log("Storage event found.");
    if (options_.log_event_records) job->Log(job->event_line);
    job->Log("MINIO event created");
    job->Log("Reading storage configuration");
    job->Log("Found 'MINIO' input provider");
    job->Log("Downloading item from bucket '" + job->bucket + "' with key '" + job->key + "'");
    sleep(options_.supervisor_delay_s);
    WriteFile(input, ReadFile(job->input_file));
    job->Log("Successful download of file '" + job->key + "' from bucket '" + job->bucket +
             "' in path '" + input.string() + "'");
  } else {
    job->Log("Reading storage configuration");
    job->Log("Found 'UNKNOWN' input provider");
    sleep(options_.supervisor_delay_s);
    WriteFile(input, ReadFile(job->input_file));
  }
  job->Log("INPUT_FILE_PATH variable set to '" + input.string() + "'");
  job->Log("Script file found in '/oscar/config/script.sh'");

  profile::local::ProcessSpec spec;
  spec.script = service->script.string();
  spec.working_dir = dir.string();
  spec.environment = {"PATH=/usr/local/bin:/usr/bin:/bin", "INPUT_FILE_PATH=" + input.string(),
                      "TMP_OUTPUT_DIR=" + output.string(), "HOME=" + dir.string()};
  if (service->spec.contains("environment") && service->spec["environment"].is_object() &&
      service->spec["environment"].contains("variables")) {
    for (const auto& [key, value] : service->spec["environment"]["variables"].items()) {
      if (value.is_string()) spec.environment.push_back(key + "=" + value.get<std::string>());
    }
  }
  spec.stdout_path = (dir / "stdout").string();
  spec.stderr_path = (dir / "stderr").string();
  std::unique_ptr<profile::local::JobCgroup> cgroup;
  if (cgroups_) {
    cgroup = cgroups_->CreateJob(job->name,
                                 profile::local::JobLimits{service->cpu, service->memory, ""});
    spec.cgroup_procs_files = cgroup->procs_files();
  }
  profile::local::ProcessExit exit;
  {
    profile::local::JobProcess process(spec);
    exit = process.Wait();
  }
  cgroup.reset();
  job->Log("Searching for files to upload in folder '" + output.string() + "'");
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(output)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& out_path : Paths(service->spec.value("output", json::array()))) {
      job->Log("Checking files for uploading to 'minio.default' on path: '" + out_path + "'");
      // As the supervisor: the bucket is the path's first segment, the key the rest + the file.
      const auto slash = out_path.find('/');
      const std::string bucket = out_path.substr(0, slash);
      const std::string folder = slash == std::string::npos ? "" : out_path.substr(slash + 1);
      for (const auto& file : files) {
        const std::string relative = fs::relative(file, output).string();
        const std::string key = folder.empty() ? relative : folder + "/" + relative;
        job->Log("Uploading file '" + key + "' to bucket '" + bucket + "'");
        const fs::path stored = fs::path(options_.work_dir) / "buckets" / bucket / key;
        WriteFile(stored, ReadFile(file));
        if (job->deleted || stopping_) continue;
        for (auto& [name, next] : services_) {
          for (const auto& in_path : Paths(next->spec.value("input", json::array()))) {
            if (in_path != out_path) continue;
            std::ostringstream event;
            event << "event_records = {'s3': {'object': {'key': '" << key
                  << "', 'size': " << fs::file_size(stored) << "}, 'bucket': {'name': '" << bucket
                  << "'}}, 'eventTime': '" << Rfc3339Millis(Now()) << "'}";
            CreateJob(name, stored.string(), bucket, key, event.str());
          }
        }
      }
    }
  }
  job->Log("Creating response");
  {
    std::lock_guard<std::mutex> lock(job->mu);
    job->finish = Now();
    job->status = exit.exited && exit.code == 0 ? "Succeeded" : "Failed";
  }
  std::lock_guard<std::mutex> lock(mu_);
  --service->running;
  Dispatch();
}

void FakeOscar::Route() {
  using httplib::Request;
  using httplib::Response;
  using HR = httplib::Server::HandlerResponse;

  server_->set_pre_routing_handler([this](const Request& req, Response& res) {
    ++requests_;
    drop_answer = false;
    fail_after = false;
    std::unique_lock<std::mutex> lock(mu_);
    for (size_t i = 0; i < faults_.size(); ++i) {
      Fault& f = faults_[i];
      if (!f.method.empty() && f.method != req.method) continue;
      if (req.path.rfind(f.path_prefix, 0) != 0) continue;
      if (fault_seen_[i]++ < f.skip) continue;
      if (f.times == 0) continue;
      if (f.times > 0) --f.times;
      ++faults_applied_;
      const Fault fault = f;
      lock.unlock();
      switch (fault.kind) {
        case Fault::Kind::k500:
          res.status = 500;
          res.set_content("injected failure", "text/plain");
          return HR::Handled;
        case Fault::Kind::k401:
          res.status = 401;
          return HR::Handled;
        case Fault::Kind::kMalformedJson:
          res.status = 200;
          res.set_content("{\"jobs\": {\"broken\": {\"status\": ", "application/json");
          return HR::Handled;
        case Fault::Kind::kSlow:
          std::this_thread::sleep_for(std::chrono::duration<double>(fault.delay_s));
          return HR::Unhandled;
        case Fault::Kind::kDrop:
          drop_answer = true;
          return HR::Unhandled;
        case Fault::Kind::k502After:
          fail_after = true;
          return HR::Unhandled;
        case Fault::Kind::kLose:
          // Headers go out, then the connection closes: the client reads no complete answer.
          res.status = 200;
          res.set_content_provider(64, "application/json",
                                   [](size_t, size_t, httplib::DataSink&) { return false; });
          return HR::Handled;
        case Fault::Kind::kRestart: {
          std::lock_guard<std::mutex> restart_lock(mu_);
          for (auto& [name, service] : services_) {
            for (auto& [job_name, job] : service->jobs) {
              std::lock_guard<std::mutex> job_lock(job->mu);
              job->deleted = true;
            }
            service->queue.clear();
          }
          services_.clear();
          return HR::Unhandled;
        }
      }
    }
    return HR::Unhandled;
  });
  // Every route goes through `wrap`: after the handler has done its work, a kDrop fault makes
  // the answer never arrive (the headers go out, then the connection closes).
  const auto wrap = [](auto handler) {
    return [handler](const Request& req, Response& res) {
      handler(req, res);
      if (fail_after) {
        res.status = 502;
        res.set_content("Bad Gateway (injected, after the request took effect)", "text/plain");
        return;
      }
      if (!drop_answer) return;
      res.body.clear();  // a body would be sent instead of the provider
      res.set_content_provider(64, "application/json",
                               [](size_t, size_t, httplib::DataSink&) { return false; });
    };
  };

  const auto system = [this, wrap](auto handler) {
    return wrap([this, handler](const Request& req, Response& res) {
      if (!Authorized(req.get_header_value("Authorization"))) {
        res.status = 401;
        return;
      }
      handler(req, res);
    });
  };

  server_->Get("/health",
               [](const Request&, Response& res) { res.set_content("Ok", "text/plain"); });

  server_->Get("/system/services", system([this](const Request&, Response& res) {
                 std::lock_guard<std::mutex> lock(mu_);
                 json list = json::array();
                 for (const auto& [name, s] : services_) list.push_back(s->spec);
                 res.set_content(list.dump(), "application/json");
               }));

  const auto upsert = [this](bool create) {
    return [this, create](const Request& req, Response& res) {
      json spec;
      try {
        spec = json::parse(req.body);
      } catch (const json::exception&) {
        res.status = 400;
        res.set_content("invalid JSON", "text/plain");
        return;
      }
      for (const char* field : {"name", "image", "script"}) {
        if (!spec.contains(field) || !spec[field].is_string()) {
          res.status = 400;
          res.set_content(std::string("missing ") + field, "text/plain");
          return;
        }
      }
      const std::string name = spec["name"];
      std::lock_guard<std::mutex> lock(mu_);
      auto it = services_.find(name);
      if (create && it != services_.end()) {
        res.status = 409;
        return;
      }
      if (!create && it == services_.end()) {
        res.status = 404;
        return;
      }
      std::shared_ptr<Service> service = create ? std::make_shared<Service>() : it->second;
      if (create) {
        std::mt19937_64 rng(std::random_device{}());
        static const char* kHex = "0123456789abcdef";
        for (int i = 0; i < 64; ++i) service->token += kHex[rng() % 16];
      }
      try {
        service->cpu = ParseCpu(spec.value("cpu", std::string("1")));
        service->memory = ParseSize(spec.value("memory", std::string("256Mi")));
        const double total_cpu =
            ParseCpu(spec.value("total_cpu", spec.value("cpu", std::string("1"))));
        service->slots = std::max(1, static_cast<int>(std::floor(total_cpu / service->cpu + 1e-9)));
      } catch (const std::exception& e) {
        res.status = 400;
        res.set_content(e.what(), "text/plain");
        return;
      }
      spec["token"] = service->token;
      service->spec = spec;
      service->script = fs::path(options_.work_dir) / "services" / name / "script.sh";
      WriteFile(service->script, spec["script"].get<std::string>());
      services_[name] = service;
      res.status = create ? 201 : 204;
      Dispatch();
    };
  };
  server_->Post("/system/services", system(upsert(true)));
  server_->Put("/system/services", system(upsert(false)));

  server_->Get(R"(/system/services/([^/]+))", system([this](const Request& req, Response& res) {
                 std::lock_guard<std::mutex> lock(mu_);
                 const auto it = services_.find(req.matches[1]);
                 if (it == services_.end()) {
                   res.status = 404;
                   return;
                 }
                 res.set_content(it->second->spec.dump(), "application/json");
               }));
  server_->Delete(R"(/system/services/([^/]+))", system([this](const Request& req, Response& res) {
                    std::lock_guard<std::mutex> lock(mu_);
                    if (services_.erase(req.matches[1]) == 0) {
                      res.status = 404;
                      return;
                    }
                    res.status = 204;
                  }));

  server_->Post(R"(/job/([^/]+))", wrap([this](const Request& req, Response& res) {
                  std::lock_guard<std::mutex> lock(mu_);
                  const auto it = services_.find(req.matches[1]);
                  if (it == services_.end()) {
                    res.status = 404;
                    return;
                  }
                  if (req.get_header_value("Authorization") != "Bearer " + it->second->token) {
                    res.status = 401;
                    return;
                  }
                  std::string input;
                  try {
                    input = Base64Decode(req.body);
                  } catch (const std::invalid_argument&) {
                    input = req.body;  // the supervisor would store a JSON event as it is
                  }
                  const fs::path file =
                      fs::path(options_.work_dir) / "inputs" / ("event-file-" + Uuid4());
                  WriteFile(file, input);
                  CreateJob(it->first, file.string(), "", "", "");
                  res.status = 201;
                }));

  // GET /system/buckets/{bucket}: BucketDetails, objects in key order, paged like the jobs.
  server_->Get(
      R"(/system/buckets/([^/]+))", system([this](const Request& req, Response& res) {
        const fs::path root = fs::path(options_.work_dir) / "buckets" / std::string(req.matches[1]);
        if (!fs::is_directory(root)) {
          res.status = 404;
          return;
        }
        std::vector<std::pair<std::string, uintmax_t>> objects;
        {
          std::lock_guard<std::mutex> lock(mu_);  // uploads write under mu_
          for (const auto& entry : fs::recursive_directory_iterator(root)) {
            if (entry.is_regular_file()) {
              objects.emplace_back(fs::relative(entry.path(), root).string(), entry.file_size());
            }
          }
        }
        std::sort(objects.begin(), objects.end());
        size_t first = 0;
        const std::string page = req.get_param_value("page");
        while (!page.empty() && first < objects.size() && objects[first].first != page) {
          ++first;
        }
        const size_t size = options_.page_size > 0 ? options_.page_size : objects.size();
        json body = {{"bucket_name", std::string(req.matches[1])}, {"objects", json::array()}};
        size_t i = first;
        for (; i < objects.size() && i < first + size; ++i) {
          body["objects"].push_back({{"object_name", objects[i].first},
                                     {"size_bytes", objects[i].second},
                                     {"last_modified", "2024-05-01 10:20:30 +0000 UTC"}});
        }
        body["is_truncated"] = i < objects.size();
        body["returned_items"] = i - first;
        if (i < objects.size()) body["next_page"] = objects[i].first;
        res.set_content(body.dump(), "application/json");
      }));

  server_->Get(R"(/system/logs/([^/]+))", system([this](const Request& req, Response& res) {
                 std::vector<std::pair<std::string, std::shared_ptr<Job>>> jobs;
                 {
                   std::lock_guard<std::mutex> lock(mu_);
                   const auto it = services_.find(req.matches[1]);
                   if (it == services_.end()) {
                     res.status = 404;
                     return;
                   }
                   jobs.assign(it->second->jobs.begin(), it->second->jobs.end());
                 }
                 if (options_.page_size <= 0) {
                   json map = json::object();
                   for (auto& [name, job] : jobs) map[name] = job->Info();
                   res.set_content(map.dump(), "application/json");
                   return;
                 }
                 const std::string page = req.get_param_value("page");
                 size_t first = 0;
                 if (!page.empty()) {
                   while (first < jobs.size() && "p-" + jobs[first].first != page) ++first;
                   if (first == jobs.size()) {
                     res.status = 400;  // stale page token (Kubernetes: 410 Gone)
                     return;
                   }
                 }
                 json body = {{"jobs", json::object()}};
                 size_t i = first;
                 for (; i < jobs.size() && i < first + options_.page_size; ++i) {
                   body["jobs"][jobs[i].first] = jobs[i].second->Info();
                 }
                 if (i < jobs.size()) {
                   body["next_page"] = "p-" + jobs[i].first;
                   body["remaining_jobs"] = jobs.size() - i;
                 }
                 res.set_content(body.dump(), "application/json");
               }));

  server_->Delete(R"(/system/logs/([^/]+))", system([this](const Request& req, Response& res) {
                    std::lock_guard<std::mutex> lock(mu_);
                    const auto it = services_.find(req.matches[1]);
                    if (it == services_.end()) {
                      res.status = 404;
                      return;
                    }
                    const bool all = req.get_param_value("all") == "true";
                    auto& jobs = it->second->jobs;
                    for (auto j = jobs.begin(); j != jobs.end();) {
                      std::string status;
                      {
                        std::lock_guard<std::mutex> job_lock(j->second->mu);
                        status = j->second->status;
                        if (all || status == "Succeeded") j->second->deleted = true;
                      }
                      if (all || status == "Succeeded") {
                        auto& queue = it->second->queue;
                        queue.erase(std::remove(queue.begin(), queue.end(), j->second),
                                    queue.end());
                        j = jobs.erase(j);
                      } else {
                        ++j;
                      }
                    }
                    res.status = 204;
                  }));

  server_->Get(R"(/system/logs/([^/]+)/([^/]+))", system([this](const Request& req, Response& res) {
                 std::shared_ptr<Job> job;
                 {
                   std::lock_guard<std::mutex> lock(mu_);
                   const auto it = services_.find(req.matches[1]);
                   if (it == services_.end() || !it->second->jobs.count(req.matches[2])) {
                     res.status = 404;
                     return;
                   }
                   job = it->second->jobs.at(req.matches[2]);
                 }
                 std::string log;
                 {
                   std::lock_guard<std::mutex> lock(job->mu);
                   log = job->log;
                 }
                 if (req.get_param_value("timestamps") != "true") {
                   std::istringstream in(log);
                   std::string line, plain;
                   while (std::getline(in, line)) plain += line.substr(line.find(' ') + 1) + "\n";
                   log = plain;
                 }
                 res.set_content(log, "text/plain");
               }));
}

}  // namespace twinprof::test
