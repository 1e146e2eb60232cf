#include "profile/oscar/oscar_run.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "core/units.h"
#include "profile/oscar/service_specs.h"
#include "profile/oscar/supervisor_log.h"

namespace twinprof::oscar {
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
    if (!service_of_.count(upload.component)) {
      throw InputError("upload '" + upload.name + "' goes to component '" + upload.component +
                       "', which the run does not deploy");
    }
  }
}

// Invoke the uploads that are due, then match them to the jobs they created.
void OscarRun::InvokeDueUploads() {
  const double now = Now();
  std::map<std::string, std::vector<Invocation>> batch;  // by service
  while (next_upload_ < request_.uploads.size() &&
         request_.uploads[next_upload_].time_s <= now - run_start_) {
    const Upload& upload = request_.uploads[next_upload_++];
    const std::string& service = service_of_.at(upload.component);
    const std::string input = ReadBinary(upload.path);
    Invocation invocation{&upload, Now(), false};
    try {
      client_.InvokeAsync(service, tokens_.at(service), input);
    } catch (const HttpAmbiguousError&) {
      invocation.ambiguous = true;
    }
    batch[service].push_back(invocation);
  }
  for (auto& [service, invocations] : batch) MatchBatch(service, invocations);
  last_change_ = Now();
}

void OscarRun::MatchBatch(const std::string& service, std::vector<Invocation>& invocations) {
  std::vector<std::string> fresh = Refresh(service, Now());
  size_t sure = 0;
  for (const auto& inv : invocations) sure += inv.ambiguous ? 0 : 1;
  if (fresh.size() == sure && sure < invocations.size()) {
    // The invocations whose answer was lost did not create a job: send them again.
    for (auto& inv : invocations) {
      if (!inv.ambiguous) continue;
      inv.sent_at = Now();
      client_.InvokeAsync(service, tokens_.at(service), ReadBinary(inv.upload->path));
    }
    for (auto& name : Refresh(service, Now())) fresh.push_back(name);
  }
  if (fresh.size() > invocations.size()) {
    throw InputError(DescribeRequest(client_.http().endpoint(), "GET", "/system/logs/" + service) +
                     ": " + std::to_string(fresh.size()) + " new jobs appeared after " +
                     std::to_string(invocations.size()) +
                     " invocations; is another client invoking this service?");
  }
  std::sort(fresh.begin(), fresh.end());
  for (size_t i = 0; i < invocations.size(); ++i) {
    if (i < fresh.size()) {
      Tracked& job = jobs_.at(service + "/" + fresh[i]);
      job.upload = invocations[i].upload;
      job.sent_at = invocations[i].sent_at;
    } else {
      // Accepted (201) but no job appeared: record it as failed, once.
      Tracked lost;
      lost.service = service;
      lost.component = component_of_.at(service);
      lost.upload = invocations[i].upload;
      lost.sent_at = invocations[i].sent_at;
      lost.first_seen = lost.sent_at;
      const std::string key = service + "/#lost-" + lost.upload->name;
      jobs_.emplace(key, lost);
      Report(jobs_.at(key), "no job appeared after the invocation");
    }
  }
  for (const auto& name : fresh) {
    if (observer_.job_started) observer_.job_started(component_of_.at(service), name);
  }
}

std::vector<std::string> OscarRun::Refresh(const std::string& service, double now) {
  std::vector<std::string> fresh;
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
      fresh.push_back(name);
    } else if (!it->second.reported) {
      it->second.info = info;
    }
  }
  return fresh;
}

bool OscarRun::Poll(double now) {
  for (const auto& spec : specs_) {
    for (const auto& name : Refresh(spec.name, now)) {
      last_change_ = now;
      if (observer_.job_started) observer_.job_started(component_of_.at(spec.name), name);
    }
  }
  for (auto& [key, job] : jobs_) {
    if (job.reported) continue;
    auto& previous = last_status_[key];
    if (previous != job.info.status) last_change_ = now;
    previous = job.info.status;
    if (IsTerminal(job.info.status)) Report(job, "");
  }
  next_poll_ = now + options_.poll_interval_s;
  bool all_reported = true;
  for (const auto& [key, job] : jobs_) all_reported = all_reported && job.reported;
  const bool all_invoked = next_upload_ == request_.uploads.size();
  if (all_invoked && all_reported && now - last_change_ >= options_.settle_s) return true;
  if (now - run_start_ > options_.run_timeout_s) {
    TimeOut();
    return true;
  }
  return false;
}

void OscarRun::TimeOut() {
  for (auto& [key, job] : jobs_) {
    if (!job.reported) {
      Report(job, "timeout: still " + job.info.status_text + " after run_timeout " +
                      FormatSeconds(options_.run_timeout_s));
    }
  }
  result_.notes.push_back("run " + std::to_string(request_.run_id) + " hit run_timeout (" +
                          FormatSeconds(options_.run_timeout_s) +
                          "); its unfinished jobs are recorded as failed");
}

void OscarRun::Report(Tracked& job, const std::string& failure) {
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

  const std::string log = job.name.empty() ? "" : client_.JobLog(job.service, job.name);
  const SupervisorLog parsed = ParseSupervisorLog(log);
  record.output_files = parsed.output_files;
  JobTimes times;
  std::string id_suffix;
  if (job.upload) {
    id_suffix = job.upload->name;
    record.input_bytes = static_cast<double>(ReadBinary(job.upload->path).size());
    times.submit = job.sent_at;
  } else {
    id_suffix = !parsed.input_key.empty() ? parsed.input_key : job.name;
    record.input_bytes = parsed.input_bytes.value_or(kNotMeasured);
    double submit = job.first_seen;
    if (job.info.creation_time) submit = std::min(submit, *job.info.creation_time);
    if (parsed.input_event_time) submit = *parsed.input_event_time;
    times.submit = submit;
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
}

}  // namespace twinprof::oscar
