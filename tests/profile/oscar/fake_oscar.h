// FakeOscar: an OSCAR cluster on 127.0.0.1 for tests, speaking the REST API of
// docs/oscar-openapi-v2.yaml (services, /job, /system/logs in both shapes with pagination,
// service tokens, HTTP Basic) and really running each job: the service's script runs as a local
// job process (profile/local/job_process.h) in a cgroup with the service's cpu and memory
// (cgroup.h), with INPUT_FILE_PATH and TMP_OUTPUT_DIR set, as the FaaS Supervisor runs it, and the
// job's log carries the supervisor's lines with millisecond timestamps behind Kubernetes' RFC 3339
// prefix. Output files land in the MinIO-like buckets (folders) and trigger the services whose
// input path is that folder, with a MinIO event, as OSCAR does.
//
// Kubernetes-like job life: Pending without times (waiting for a slot: total_cpu / cpu jobs at
// once), Pending with creation_time (pod started; `pod_start_delay_s` of cold start), Running
// with start_time, then Succeeded or Failed with finish_time. Times are reported with one-second
// resolution (truncated), as Kubernetes does.
//
// Jobs are named as OSCAR names them, SERVICE-<uuid4>, so their names say nothing of their order.
// The supervisor's lines are the FaaS Supervisor's: a bucket-triggered job logs its storage event
// ("event_records = {...}", unless `log_event_records` is off, as with supervisors that do not log
// it), then "Downloading item from bucket 'B' with key 'K'"; an invoked job stores the POSTed
// event as "event-file-<uuid4>". GET /system/buckets/{bucket} lists a bucket's objects with their
// sizes.
//
// Faults can be injected per request (500, a 502 after the request took effect, slow answer,
// answer lost after the request was handled, request lost before it was handled, malformed JSON,
// 401, a restart that forgets every service) and per service (jobs stuck Pending forever).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}
namespace twinprof::profile::local {
class Cgroups;
}

namespace twinprof::test {

class FakeOscar {
 public:
  struct Options {
    std::string user = "oscar";
    std::string password = "fake-oscar-password-1234";
    std::string oidc_token;           // also accepted on /system/* as a bearer token when not empty
    std::string work_dir;             // buckets and job folders (required)
    int page_size = 0;                // 0: the bare-map listing; N: pages of N jobs
    double pod_start_delay_s = 0.3;   // creation_time -> start_time (cold start)
    double supervisor_delay_s = 0.1;  // start_time -> script start (download)
    bool enforce_limits = true;       // run jobs in cgroups with the service's cpu and memory
    bool log_event_records = true;    // bucket-triggered jobs log "event_records = {...}"
  };

  struct Fault {
    // k502After: the request is handled, then the answer is a gateway's 502. kDrop: handled, then
    // the answer is lost. kLose: the connection breaks before the request is handled. kRestart:
    // the cluster restarts and forgets every service and job, then the request is handled.
    enum class Kind { k500, kSlow, kDrop, kMalformedJson, k401, k502After, kLose, kRestart };
    Kind kind = Kind::k500;
    std::string method;       // "GET", "POST", ... ("" = any)
    std::string path_prefix;  // e.g. "/job/", "/system/logs/"
    int skip = 0;             // let this many matching requests through first
    int times = 1;            // then apply to this many (-1: forever)
    double delay_s = 0;       // kSlow
  };

  explicit FakeOscar(Options options);
  ~FakeOscar();  // stops the server and waits for running jobs

  // "http://127.0.0.1:PORT"
  std::string endpoint() const;

  void AddFault(const Fault& fault);
  // Jobs of `service` never get a pod: they stay Pending without times.
  void StickPending(const std::string& service);

  // For assertions.
  int jobs_created(const std::string& service) const;
  int requests() const { return requests_; }
  int faults_applied() const { return faults_applied_; }
  std::vector<std::string> service_names() const;
  nlohmann::json service(const std::string& name) const;

 private:
  struct Job;
  struct Service;
  void Route();
  bool Authorized(const std::string& header) const;
  // `bucket` and `key`: the object that triggered the job ("" for an invocation).
  void CreateJob(const std::string& service, const std::string& input_file,
                 const std::string& bucket, const std::string& key, const std::string& event_line);
  std::string Uuid4();  // mu_ held
  void Dispatch();      // starts queued jobs when their service has a free slot (lock held)
  void RunJob(std::shared_ptr<Job> job, std::shared_ptr<Service> service);

  Options options_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<profile::local::Cgroups> cgroups_;
  std::thread listener_;
  int port_ = 0;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Service>> services_;
  std::vector<Fault> faults_;
  std::vector<int> fault_seen_;
  std::set<std::string> stuck_;
  std::vector<std::thread> workers_;
  std::atomic<int> requests_{0};
  std::atomic<int> faults_applied_{0};
  std::atomic<int> next_id_{0};
  std::atomic<bool> stopping_{false};
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace twinprof::test
