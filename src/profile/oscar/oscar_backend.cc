#include "profile/oscar/oscar_backend.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "core/units.h"
#include "profile/oscar/job_timeline.h"
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

// One OSCAR job the run knows about.
struct Tracked {
  std::string service;
  std::string component;
  std::string name;  // OSCAR's job name
  JobInfo info;
  double first_seen = 0;
  const Upload* upload = nullptr;  // the invocation that created it (source jobs)
  double sent_at = 0;
  bool reported = false;
};

struct Invocation {
  const Upload* upload = nullptr;
  double sent_at = 0;
  bool ambiguous = false;
};

}  // namespace

OscarBackend::OscarBackend(OscarOptions options, Credentials credentials)
    : options_(std::move(options)), client_(options_.http, std::move(credentials)) {}

OscarBackend::~OscarBackend() {
  if (!options_.delete_services) return;
  for (const auto& service : deployed_services_) {
    try {
      client_.DeleteService(service);
    } catch (const std::exception&) {
      // Best effort at the end; the services stay and the user can delete them.
    }
  }
}

RunResult OscarBackend::Run(const RunRequest& request, const RunObserver& observer) {
  if (!request.workflow) throw std::invalid_argument("RunRequest without a workflow");
  RunResult result;
  const std::vector<ServiceSpec> specs = BuildServiceSpecs(request, options_);
  std::map<std::string, std::string> service_of, component_of, tokens;
  std::map<std::string, const Deployment*> deployment_of;  // by service
  for (size_t i = 0; i < specs.size(); ++i) {
    service_of[request.deployments[i].component] = specs[i].name;
    component_of[specs[i].name] = request.deployments[i].component;
    deployment_of[specs[i].name] = &request.deployments[i];
  }

  // Deploy, and start from an empty job list.
  std::map<std::string, std::set<std::string>> stale;  // jobs that predate the run
  for (const auto& spec : specs) {
    client_.CreateOrUpdateService(spec);
    if (std::find(deployed_services_.begin(), deployed_services_.end(), spec.name) ==
        deployed_services_.end()) {
      deployed_services_.push_back(spec.name);
    }
    tokens[spec.name] = client_.ReadServiceToken(spec.name);
    client_.DeleteJobs(spec.name);
    for (const auto& [name, info] : client_.ListJobs(spec.name)) stale[spec.name].insert(name);
  }
  for (const auto& upload : request.uploads) {
    if (!service_of.count(upload.component)) {
      throw InputError("upload '" + upload.name + "' goes to component '" + upload.component +
                       "', which the run does not deploy");
    }
  }

  const double run_start = Now();
  std::map<std::string, Tracked> jobs;  // by service + "/" + name
  std::set<std::string> used_ids;
  TimelineFix fixes;
  int missing_script_lines = 0;
  double first_submit = 0, last_finish = 0;
  bool any = false;

  const auto report = [&](Tracked& job, const std::string& failure) {
    JobRecord record;
    record.campaign = request.campaign;
    record.run_id = request.run_id;
    record.repetition = request.repetition;
    record.component = job.component;
    record.source = "oscar";
    const Deployment& deployment = *deployment_of.at(job.service);
    const auto component_id = request.workflow->Find(job.component);
    record.cluster = !options_.cluster_id.empty()
                         ? options_.cluster_id
                         : (component_id ? request.workflow->component(*component_id).cluster : "");
    record.arch = options_.arch;
    record.cpu = deployment.cpu;
    record.memory_mb = deployment.memory_bytes / 1048576.0;
    record.parallelism = deployment.parallelism;
    record.parameters = request.parameters;
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
    for (int n = 2; !used_ids.insert(id).second; ++n) {
      id = job.component + ":" + id_suffix + "#" + std::to_string(n);
    }
    record.job_id = id;
    times.pod_start = job.info.creation_time;
    times.container_start = job.info.start_time;
    times.exec_start = parsed.script_start;
    times.exec_end = parsed.script_end;
    times.finish = job.info.finish_time;
    const TimelineFix fix = FillTimes(times, run_start, &record);
    fixes.clamped += fix.clamped;
    fixes.skewed += fix.skewed;
    if (failure.empty() && job.info.status == JobStatus::kSucceeded) {
      record.status = "succeeded";
      if (!parsed.script_start || !parsed.script_end) ++missing_script_lines;
    } else {
      record.status = "failed";
      record.failure_reason = failure.empty() ? "pod " + job.info.status_text : failure;
      ++result.failed_jobs;
    }
    ++result.jobs;
    if (!any || record.t_submit < first_submit) first_submit = record.t_submit;
    if (!any || record.t_finish > last_finish) last_finish = record.t_finish;
    any = true;
    job.reported = true;
    if (observer.job_finished) observer.job_finished(record, Tail(log, 20));
  };

  // Registers the jobs that appeared in `service` since the last look; returns their names.
  const auto refresh = [&](const std::string& service, double now) {
    std::vector<std::string> fresh;
    for (auto& [name, info] : client_.ListJobs(service)) {
      if (stale[service].count(name)) continue;
      const std::string key = service + "/" + name;
      auto it = jobs.find(key);
      if (it == jobs.end()) {
        Tracked job;
        job.service = service;
        job.component = component_of.at(service);
        job.name = name;
        job.info = info;
        job.first_seen = now;
        jobs.emplace(key, std::move(job));
        fresh.push_back(name);
      } else if (!it->second.reported) {
        it->second.info = info;
      }
    }
    return fresh;
  };

  size_t next_upload = 0;
  double last_change = run_start;
  double next_poll = run_start;
  std::map<std::string, JobStatus> last_status;
  for (;;) {
    double now = Now();
    // Invoke the uploads that are due, then match them to the jobs they created.
    if (next_upload < request.uploads.size() &&
        request.uploads[next_upload].time_s <= now - run_start) {
      std::map<std::string, std::vector<Invocation>> batch;  // by service
      while (next_upload < request.uploads.size() &&
             request.uploads[next_upload].time_s <= now - run_start) {
        const Upload& upload = request.uploads[next_upload++];
        const std::string& service = service_of.at(upload.component);
        const std::string input = ReadBinary(upload.path);
        Invocation invocation{&upload, Now(), false};
        try {
          client_.InvokeAsync(service, tokens.at(service), input);
        } catch (const HttpAmbiguousError&) {
          invocation.ambiguous = true;
        }
        batch[service].push_back(invocation);
      }
      for (auto& [service, invocations] : batch) {
        std::vector<std::string> fresh = refresh(service, Now());
        size_t sure = 0;
        for (const auto& inv : invocations) sure += inv.ambiguous ? 0 : 1;
        if (fresh.size() == sure && sure < invocations.size()) {
          // The invocations whose answer was lost did not create a job: send them again.
          for (auto& inv : invocations) {
            if (!inv.ambiguous) continue;
            inv.sent_at = Now();
            client_.InvokeAsync(service, tokens.at(service), ReadBinary(inv.upload->path));
          }
          for (auto& name : refresh(service, Now())) fresh.push_back(name);
        }
        if (fresh.size() > invocations.size()) {
          throw InputError(
              DescribeRequest(client_.http().endpoint(), "GET", "/system/logs/" + service) + ": " +
              std::to_string(fresh.size()) + " new jobs appeared after " +
              std::to_string(invocations.size()) +
              " invocations; is another client invoking this service?");
        }
        std::sort(fresh.begin(), fresh.end());
        for (size_t i = 0; i < invocations.size(); ++i) {
          if (i < fresh.size()) {
            Tracked& job = jobs.at(service + "/" + fresh[i]);
            job.upload = invocations[i].upload;
            job.sent_at = invocations[i].sent_at;
          } else {
            // Accepted (201) but no job appeared: record it as failed, once.
            Tracked lost;
            lost.service = service;
            lost.component = component_of.at(service);
            lost.upload = invocations[i].upload;
            lost.sent_at = invocations[i].sent_at;
            lost.first_seen = lost.sent_at;
            jobs.emplace(service + "/#lost-" + lost.upload->name, lost);
            report(jobs.at(service + "/#lost-" + lost.upload->name),
                   "no job appeared after the invocation");
          }
        }
        for (const auto& name : fresh) {
          if (observer.job_started) observer.job_started(component_of.at(service), name);
        }
      }
      last_change = Now();
      continue;
    }

    if (now >= next_poll) {
      for (const auto& spec : specs) {
        for (const auto& name : refresh(spec.name, now)) {
          last_change = now;
          if (observer.job_started) observer.job_started(component_of.at(spec.name), name);
        }
      }
      for (auto& [key, job] : jobs) {
        if (job.reported) continue;
        auto& previous = last_status[key];
        if (previous != job.info.status) last_change = now;
        previous = job.info.status;
        if (IsTerminal(job.info.status)) report(job, "");
      }
      next_poll = now + options_.poll_interval_s;
      bool all_reported = true;
      for (const auto& [key, job] : jobs) all_reported = all_reported && job.reported;
      const bool all_invoked = next_upload == request.uploads.size();
      if (all_invoked && all_reported && now - last_change >= options_.settle_s) break;
      if (now - run_start > options_.run_timeout_s) {
        for (auto& [key, job] : jobs) {
          if (!job.reported) {
            report(job, "timeout: still " + job.info.status_text + " after run_timeout " +
                            FormatSeconds(options_.run_timeout_s));
          }
        }
        result.notes.push_back("run " + std::to_string(request.run_id) + " hit run_timeout (" +
                               FormatSeconds(options_.run_timeout_s) +
                               "); its unfinished jobs are recorded as failed");
        break;
      }
    }
    double wake = next_poll;
    if (next_upload < request.uploads.size()) {
      wake = std::min(wake, run_start + request.uploads[next_upload].time_s);
    }
    const double sleep = wake - Now();
    if (sleep > 0) std::this_thread::sleep_for(std::chrono::duration<double>(sleep));
  }

  if (options_.cleanup_jobs) {
    for (const auto& spec : specs) client_.DeleteJobs(spec.name);
  }
  result.makespan_s = any ? last_finish - first_submit : 0;
  for (const auto& upload : request.uploads) {
    result.component_inputs[upload.component].push_back(upload.path);
  }
  if (fixes.skewed > 0) {
    result.notes.push_back(std::to_string(fixes.skewed) +
                           " job times were earlier than the phase before them by more than the "
                           "1 s resolution of Kubernetes times and were raised to it: is this "
                           "machine's clock in sync with the cluster's?");
  }
  if (missing_script_lines > 0) {
    result.notes.push_back(
        std::to_string(missing_script_lines) +
        " succeeded jobs lacked the supervisor's script start/end lines (is the service's "
        "log_level INFO?); their compute time is 0 and the time is counted as download/upload");
  }
  return result;
}

std::unique_ptr<Backend> MakeOscarBackend(const BackendConfig& config) {
  OscarOptions options = ParseOscarOptions(config);
  return std::make_unique<OscarBackend>(std::move(options), CredentialsFromEnvironment());
}

}  // namespace twinprof::oscar
