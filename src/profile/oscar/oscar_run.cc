#include "profile/oscar/oscar_run.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <tuple>

#include "core/units.h"
#include "profile/oscar/service_specs.h"

namespace twinprof::profile::oscar {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string ReadBinary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path}, "cannot read this input file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string Tail(const std::string& log, int lines) {
  size_t pos = log.size();
  while (lines-- > 0 && pos > 0) {
    pos = log.rfind('\n', pos - 1);
    if (pos == std::string::npos) return log;
  }
  return log.substr(pos == 0 ? 0 : pos + 1);
}

std::string Plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

OscarRun::OscarRun(OscarClient& client, const OscarOptions& options, const RunRequest& request,
                   const RunObserver& observer)
    : client_(client), options_(options), request_(request), observer_(observer) {}

RunResult OscarRun::Execute(std::vector<std::string>* deployed_services) {
  if (!request_.workflow) throw std::invalid_argument("RunRequest without a workflow");
  Deploy(deployed_services);
  run_start_ = Now();
  last_change_ = run_start_;
  next_poll_ = run_start_;
  for (;;) {
    const double now = Now();
    if (next_upload_ < request_.uploads.size() &&
        request_.uploads[next_upload_].time_s <= now - run_start_) {
      InvokeDueUploads();
      continue;
    }
    if (now >= next_poll_ && Poll(now)) break;
    SleepUntilNextEvent();
  }
  Finish();
  return result_;
}

// Deploy, and start from an empty job list.
void OscarRun::Deploy(std::vector<std::string>* deployed_services) {
  specs_ = BuildServiceSpecs(request_, options_);
  for (size_t i = 0; i < specs_.size(); ++i) {
    service_of_[request_.deployments[i].component] = specs_[i].name;
    component_of_[specs_[i].name] = request_.deployments[i].component;
    deployment_of_[specs_[i].name] = &request_.deployments[i];
  }
  const workflow::Workflow& workflow = *request_.workflow;
  for (workflow::ComponentId id : workflow.TopologicalOrder()) {
    const auto it = service_of_.find(workflow.component(id).name);
    if (it != service_of_.end()) order_.push_back(it->second);
  }
  for (const auto& [component, service] : service_of_) {
    if (const auto id = workflow.Find(component)) {
      for (workflow::ComponentId before : workflow.Predecessors(*id)) {
        const auto it = service_of_.find(workflow.component(before).name);
        if (it != service_of_.end()) upstream_of_[service].push_back(it->second);
      }
    }
  }
  for (const auto& spec : specs_) {
    client_.CreateOrUpdateService(spec);
    if (std::find(deployed_services->begin(), deployed_services->end(), spec.name) ==
        deployed_services->end()) {
      deployed_services->push_back(spec.name);
    }
    tokens_[spec.name] = client_.ReadServiceToken(spec.name);
    client_.DeleteJobs(spec.name);
    for (const auto& [name, info] : client_.ListJobs(spec.name)) stale_[spec.name].insert(name);
  }
  for (const auto& upload : request_.uploads) {
    const auto it = service_of_.find(upload.component);
    if (it == service_of_.end()) {
      throw InputError("upload '" + upload.name + "' goes to component '" + upload.component +
                       "', which the run does not deploy");
    }
    invocations_[it->second];  // its jobs are invocations' jobs
  }
}

// Invoke the uploads that are due, then match them to the jobs they created.
void OscarRun::InvokeDueUploads() {
  const double now = Now();
  // Invocations of one service with one input file are alike; each group is sent, then checked
  // by one listing, so that a job is never taken for another file's.
  std::vector<std::pair<std::string, std::vector<const Upload*>>> groups;
  while (next_upload_ < request_.uploads.size() &&
         request_.uploads[next_upload_].time_s <= now - run_start_) {
    const Upload& upload = request_.uploads[next_upload_++];
    const std::string group = service_of_.at(upload.component) + "\n" + upload.path;
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == group; });
    if (it == groups.end()) it = groups.insert(groups.end(), {group, {}});
    it->second.push_back(&upload);
  }
  for (const auto& [group, uploads] : groups) {
    const std::string& service = service_of_.at(uploads.front()->component);
    for (const Upload* upload : uploads) Send(service, Invocation{upload, 0, 0});
    Refresh(service, Now());
    Resolve(service);
  }
  last_change_ = Now();
}

void OscarRun::Send(const std::string& service, Invocation invocation) {
  const std::string input = ReadBinary(invocation.upload->path);
  invocation.sent_at = Now();
  ++invocation.attempts;
  try {
    client_.InvokeAsync(service, tokens_.at(service), input);
    invocations_[service].pending.push_back(invocation);
  } catch (const HttpAmbiguousError&) {
    invocations_[service].ambiguous.push_back(invocation);
  }
}

void OscarRun::Resolve(const std::string& service) {
  Invocations& s = invocations_.at(service);
  while (!s.ambiguous.empty() && s.unbound.size() >= s.pending.size()) {
    // The jobs beyond the pending invocations' are the ambiguous ones'. When accepted jobs are
    // still to appear (fewer jobs than pending invocations), nothing can be told yet.
    const size_t created = std::min(s.unbound.size() - s.pending.size(), s.ambiguous.size());
    for (size_t i = 0; i < created; ++i) {
      const Invocation& made = s.ambiguous[i];
      const auto at = std::find_if(s.pending.begin(), s.pending.end(),
                                   [&](const Invocation& p) { return p.sent_at > made.sent_at; });
      s.pending.insert(at, made);
    }
    s.ambiguous.erase(s.ambiguous.begin(), s.ambiguous.begin() + static_cast<long>(created));
    if (s.ambiguous.empty()) break;
    // The others created no job: send them again, and look again.
    std::vector<Invocation> again;
    again.swap(s.ambiguous);
    for (const Invocation& invocation : again) {
      if (invocation.attempts >= options_.http.max_attempts) {
        throw HttpUnavailableError(
            HttpUnavailableError::Cause::kServerError,
            DescribeRequest(client_.http().endpoint(), "POST", "/job/" + service) +
                ": gave up after " + Plural(invocation.attempts, "attempt") +
                ", each lost or failed (5xx) and none created a job (the listing shows none); "
                "the cluster keeps failing: check its health (OSCAR's and Kubernetes' logs)");
      }
      Send(service, invocation);
    }
    Refresh(service, Now());
  }
  Bind(service, false);
}

void OscarRun::Bind(const std::string& service, bool force) {
  Invocations& s = invocations_.at(service);
  if (s.ambiguous.empty() && s.unbound.size() > s.pending.size()) {
    throw InputError(DescribeRequest(client_.http().endpoint(), "GET", "/system/logs/" + service) +
                     ": " + Plural(s.unbound.size(), "new job") + " appeared for " +
                     Plural(s.pending.size(), "invocation") +
                     "; is another client invoking this service?");
  }
  if (!s.ambiguous.empty() && !force) return;  // an unbound job may be an ambiguous one's
  // The listing after a group of invocations shows that group's jobs: jobs first seen in an
  // earlier listing belong to earlier invocations. Within one listing, pod start order: started
  // pods first, by creation_time, then start_time.
  const auto order = [&](const std::string& key) {
    const Tracked& job = jobs_.at(key);
    const JobInfo& info = job.info;
    return std::make_tuple(job.first_seen, !info.creation_time, info.creation_time.value_or(0),
                           info.start_time.value_or(0));
  };
  std::stable_sort(s.unbound.begin(), s.unbound.end(),
                   [&](const std::string& a, const std::string& b) { return order(a) < order(b); });
  size_t bound = 0;
  while (bound < s.unbound.size() && !s.pending.empty()) {
    Tracked& job = jobs_.at(s.unbound[bound]);
    // A job whose pod has not started may be bound only when it is the last of its listing:
    // another such job may yet start first.
    if (!force && !job.info.creation_time && bound + 1 < s.unbound.size() &&
        jobs_.at(s.unbound[bound + 1]).first_seen == job.first_seen) {
      break;
    }
    job.upload = s.pending.front().upload;
    job.sent_at = s.pending.front().sent_at;
    s.pending.pop_front();
    ++bound;
  }
  s.unbound.erase(s.unbound.begin(), s.unbound.begin() + static_cast<long>(bound));
}

size_t OscarRun::Refresh(const std::string& service, double now) {
  size_t fresh = 0;
  const auto invoked = invocations_.find(service);
  for (auto& [name, info] : client_.ListJobs(service)) {
    if (stale_[service].count(name)) continue;
    const std::string key = service + "/" + name;
    auto it = jobs_.find(key);
    if (it == jobs_.end()) {
      Tracked job;
      job.service = service;
      job.component = component_of_.at(service);
      job.name = name;
      job.info = info;
      job.first_seen = now;
      jobs_.emplace(key, std::move(job));
      if (invoked != invocations_.end()) invoked->second.unbound.push_back(key);
      ++fresh;
      if (observer_.job_started) observer_.job_started(component_of_.at(service), name);
    } else if (!it->second.reported) {
      it->second.info = info;
    }
  }
  return fresh;
}

bool OscarRun::Poll(double now) {
  for (const auto& spec : specs_) {
    if (Refresh(spec.name, now) > 0) last_change_ = now;
  }
  for (auto& [service, invocations] : invocations_) Resolve(service);
  // Producers before consumers, so that consumers find their inputs' uploads.
  for (const std::string& service : order_) {
    for (auto it = jobs_.lower_bound(service + "/");
         it != jobs_.end() && it->first.compare(0, service.size() + 1, service + "/") == 0; ++it) {
      Tracked& job = it->second;
      if (job.reported) continue;
      auto& previous = last_status_[it->first];
      if (previous != job.info.status) last_change_ = now;
      previous = job.info.status;
      if (!IsTerminal(job.info.status)) continue;
      if (invocations_.count(service) && !job.upload) continue;  // not bound yet
      if (!invocations_.count(service) && WaitForProducer(job)) continue;
      Report(job, "");
    }
  }
  next_poll_ = now + options_.poll_interval_s;
  bool all_reported = true;
  for (const auto& [key, job] : jobs_) all_reported = all_reported && job.reported;
  const bool all_invoked = next_upload_ == request_.uploads.size();
  if (all_invoked && all_reported && now - last_change_ >= options_.settle_s) {
    ReportLostInvocations("no job appeared after the invocation");
    return true;
  }
  if (now - run_start_ > options_.run_timeout_s) {
    TimeOut();
    return true;
  }
  return false;
}

bool OscarRun::WaitForProducer(Tracked& job) {
  const auto upstream = upstream_of_.find(job.service);
  if (upstream == upstream_of_.end()) return false;
  for (const auto& [key, other] : jobs_) {
    if (other.reported) continue;
    if (std::find(upstream->second.begin(), upstream->second.end(), other.service) !=
        upstream->second.end()) {
      return true;
    }
  }
  return false;
}

void OscarRun::TimeOut() {
  const double now = Now();
  for (auto& [service, invocations] : invocations_) Bind(service, true);
  // Producers before consumers, so that consumers find their inputs' uploads.
  for (const std::string& service : order_) {
    for (auto it = jobs_.lower_bound(service + "/");
         it != jobs_.end() && it->first.compare(0, service.size() + 1, service + "/") == 0; ++it) {
      Tracked& job = it->second;
      if (job.reported) continue;
      if (IsTerminal(job.info.status)) {
        Report(job, "");
      } else {
        Report(job,
               "timeout: still " + job.info.status_text + " after run_timeout " +
                   FormatSeconds(options_.run_timeout_s),
               now);
      }
    }
  }
  ReportLostInvocations("no job appeared after the invocation before run_timeout");
  result_.notes.push_back("run " + std::to_string(request_.run_id) + " hit run_timeout (" +
                          FormatSeconds(options_.run_timeout_s) +
                          "); its unfinished jobs are recorded as failed");
}

void OscarRun::ReportLostInvocations(const std::string& why) {
  for (auto& [service, s] : invocations_) {
    Bind(service, true);
    std::vector<std::pair<Invocation, std::string>> lost;
    for (const Invocation& invocation : s.pending) lost.emplace_back(invocation, why);
    for (const Invocation& invocation : s.ambiguous) {
      lost.emplace_back(invocation, why + " (its answer was lost or a 5xx)");
    }
    s.pending.clear();
    s.ambiguous.clear();
    for (const auto& [invocation, reason] : lost) {
      // Recorded failed, once.
      Tracked job;
      job.service = service;
      job.component = component_of_.at(service);
      job.upload = invocation.upload;
      job.sent_at = invocation.sent_at;
      job.first_seen = invocation.sent_at;
      const std::string key = service + "/#lost-" + invocation.upload->name;
      Report(jobs_.emplace(key, job).first->second, reason);
    }
  }
}

const std::string& OscarRun::LogOf(Tracked& job) {
  // Read when the job is over (or given up on): the log is complete then.
  if (!job.log) job.log = job.name.empty() ? "" : client_.JobLog(job.service, job.name);
  return *job.log;
}

double OscarRun::ObjectSize(const std::string& bucket, const std::string& key) {
  auto& sizes = object_sizes_[bucket];
  if (!sizes.count(key)) {
    try {
      for (const auto& [name, size] : client_.ListBucket(bucket)) sizes[name] = size;
    } catch (const HttpUnavailableError&) {
      throw;
    } catch (const InputError&) {
      // Not allowed to list the bucket (403), or an answer without sizes: the size stays unknown.
    }
    if (!sizes.count(key)) sizes[key] = kNotMeasured;  // listed once per missing object
  }
  return sizes.at(key);
}

void OscarRun::Report(Tracked& job, const std::string& failure, std::optional<double> gave_up_at) {
  JobRecord record;
  record.campaign = request_.campaign;
  record.run_id = request_.run_id;
  record.repetition = request_.repetition;
  record.component = job.component;
  record.source = "oscar";
  const Deployment& deployment = *deployment_of_.at(job.service);
  const auto component_id = request_.workflow->Find(job.component);
  record.cluster = !options_.cluster_id.empty()
                       ? options_.cluster_id
                       : (component_id ? request_.workflow->component(*component_id).cluster : "");
  record.arch = options_.arch;
  record.cpu = deployment.cpu;
  record.memory_mb = deployment.memory_bytes / 1048576.0;
  record.parallelism = deployment.parallelism;
  record.parameters = request_.parameters;
  record.output_bytes = kNotMeasured;

  const std::string log = LogOf(job);
  const SupervisorLog parsed = ParseSupervisorLog(log);
  record.output_files = parsed.output_files;
  for (const UploadedObject& upload : parsed.uploads) {
    if (upload.start) {
      upload_end_[upload.bucket + "/" + upload.key].push_back(upload.end.value_or(*upload.start));
    }
  }
  JobTimes times;
  std::string id_suffix;
  if (job.upload) {
    id_suffix = job.upload->name;
    const std::string stored = std::filesystem::path(parsed.input_path).filename().string();
    if (!stored.empty() && stored != job.upload->name) {
      renamed_inputs_[stored] = std::filesystem::path(job.upload->name).stem().string();
    }
    record.input_bytes = static_cast<double>(ReadBinary(job.upload->path).size());
    times.submit = job.sent_at;
  } else {
    // Bucket-triggered: named by its input; submitted when that input was complete.
    id_suffix = parsed.input_key;
    if (id_suffix.empty()) {
      id_suffix = job.name;
      ++unnamed_inputs_;
    }
    for (const auto& [stored, upload] : renamed_inputs_) {
      for (size_t at = id_suffix.find(stored); at != std::string::npos;
           at = id_suffix.find(stored, at + upload.size())) {
        id_suffix.replace(at, stored.size(), upload);
      }
    }
    record.input_bytes = parsed.input_bytes.value_or(kNotMeasured);
    if (!parsed.input_bytes && !parsed.input_bucket.empty()) {
      record.input_bytes = ObjectSize(parsed.input_bucket, parsed.input_key);
    }
    const auto produced = upload_end_.find(parsed.input_bucket + "/" + parsed.input_key);
    if (parsed.input_event_time) {
      times.submit = parsed.input_event_time;
    } else if (!parsed.input_bucket.empty() && produced != upload_end_.end()) {
      // The upload that triggered it: the last one that ended before its download began (jobs
      // of one run may write the same key).
      const std::vector<double>& ends = produced->second;
      double submit = *std::min_element(ends.begin(), ends.end());
      for (double end : ends) {
        if (end > submit && (!parsed.download_start || end <= *parsed.download_start)) submit = end;
      }
      times.submit = submit;
    } else {
      double submit = job.first_seen;
      if (job.info.creation_time) submit = std::min(submit, *job.info.creation_time);
      times.submit = submit;
      ++unknown_submits_;
    }
  }
  std::string id = job.component + ":" + id_suffix;
  for (int n = 2; !used_ids_.insert(id).second; ++n) {
    id = job.component + ":" + id_suffix + "#" + std::to_string(n);
  }
  record.job_id = id;
  times.pod_start = job.info.creation_time;
  times.container_start = job.info.start_time;
  times.exec_start = parsed.script_start;
  times.exec_end = parsed.script_end;
  times.finish = job.info.finish_time;
  if (gave_up_at) {
    // The phases it never reached end when the run gave up on it.
    for (auto* t : {&times.pod_start, &times.container_start, &times.exec_start, &times.exec_end,
                    &times.finish}) {
      if (!*t) *t = gave_up_at;
    }
  }
  const TimelineFix fix = FillTimes(times, run_start_, &record);
  fixes_.clamped += fix.clamped;
  fixes_.skewed += fix.skewed;
  if (failure.empty() && job.info.status == JobStatus::kSucceeded) {
    record.status = "succeeded";
    if (!parsed.script_start || !parsed.script_end) ++missing_script_lines_;
  } else {
    record.status = "failed";
    record.failure_reason = failure.empty() ? "pod " + job.info.status_text : failure;
    ++result_.failed_jobs;
  }
  ++result_.jobs;
  if (!any_reported_ || record.t_submit < first_submit_) first_submit_ = record.t_submit;
  if (!any_reported_ || record.t_finish > last_finish_) last_finish_ = record.t_finish;
  any_reported_ = true;
  job.reported = true;
  if (observer_.job_finished) observer_.job_finished(record, Tail(log, 20));
}

void OscarRun::SleepUntilNextEvent() {
  double wake = next_poll_;
  if (next_upload_ < request_.uploads.size()) {
    wake = std::min(wake, run_start_ + request_.uploads[next_upload_].time_s);
  }
  const double sleep = wake - Now();
  if (sleep > 0) std::this_thread::sleep_for(std::chrono::duration<double>(sleep));
}

void OscarRun::Finish() {
  if (options_.cleanup_jobs) {
    for (const auto& spec : specs_) client_.DeleteJobs(spec.name);
  }
  result_.makespan_s = any_reported_ ? last_finish_ - first_submit_ : 0;
  for (const auto& upload : request_.uploads) {
    result_.component_inputs[upload.component].push_back(upload.path);
  }
  if (fixes_.skewed > 0) {
    result_.notes.push_back(std::to_string(fixes_.skewed) +
                            " job times were earlier than the phase before them by more than the "
                            "1 s resolution of Kubernetes times and were raised to it: is this "
                            "machine's clock in sync with the cluster's?");
  }
  if (missing_script_lines_ > 0) {
    result_.notes.push_back(
        std::to_string(missing_script_lines_) +
        " succeeded jobs lacked the supervisor's script start/end lines (is the service's "
        "log_level INFO?); their compute time is 0 and the time is counted as download/upload");
  }
  if (unnamed_inputs_ > 0) {
    result_.notes.push_back(
        Plural(unnamed_inputs_, "bucket-triggered job") +
        " logged neither the storage event nor the supervisor's \"Downloading item from bucket\" "
        "line (is the service's log_level INFO?); their ids are OSCAR's job names, which differ "
        "from run to run");
  }
  if (unknown_submits_ > 0) {
    result_.notes.push_back(
        Plural(unknown_submits_, "bucket-triggered job") +
        " had no storage event time and an input no job of the run uploaded; their t_submit is "
        "their pod's start (1 s resolution)");
  }
}

}  // namespace twinprof::profile::oscar
