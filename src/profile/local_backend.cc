#include "profile/local_backend.h"

#include <poll.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>

#include "core/yaml_file.h"
#include "profile/job_process.h"
#include "profile/planner.h"

extern char** environ;

namespace twinprof {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kLogTailBytes = 2000;

struct QueuedFile {
  std::string name;  // object name in the bucket
  std::string path;  // the file in the bucket folder
  double t_submit = 0;
};

struct ComponentState {
  const Deployment* deployment = nullptr;
  const Component* component = nullptr;
  std::string bucket;
  std::deque<QueuedFile> queue;
  int running = 0;
  std::vector<ComponentState*> successors;  // deployed ones
  std::vector<std::string> environment;     // the process environment minus the two job paths
  std::vector<std::string> inputs;          // every file that landed in the bucket
  std::string script;                       // absolute: jobs run in their own folders
};

struct RunningJob {
  ComponentState* state = nullptr;
  JobRecord record;
  std::string input_name;
  std::string input_path;  // its copy in the job's folder
  std::string dir;
  std::string output_dir;
  std::unique_ptr<JobCgroup> cgroup;
  std::unique_ptr<JobProcess> process;
  double deadline = 0;
  bool timed_out = false;
};

std::string Arch() {
  struct utsname u {};
  if (::uname(&u) != 0) return "";
  std::string machine = u.machine;
  if (machine == "aarch64") return "arm64";
  return machine;
}

std::string Hostname() {
  char name[256] = {0};
  ::gethostname(name, sizeof name - 1);
  return name;
}

std::vector<std::string> JobEnvironment(const Deployment& deployment) {
  std::vector<std::string> environment;
  auto overridden = [&](const std::string& entry) {
    std::string name = entry.substr(0, entry.find('='));
    if (name == "INPUT_FILE_PATH" || name == "TMP_OUTPUT_DIR") return true;
    for (const auto& [key, value] : deployment.environment) {
      if (key == name) return true;
    }
    return false;
  };
  for (char** e = environ; *e; ++e) {
    if (!overridden(*e)) environment.push_back(*e);
  }
  for (const auto& [key, value] : deployment.environment) environment.push_back(key + "=" + value);
  return environment;
}

std::string SignalName(int signal) {
  const char* name = ::sigabbrev_np(signal);
  return name ? std::string("SIG") + name : std::to_string(signal);
}

// Regular files under `dir`, sorted, as paths relative to it.
std::vector<std::string> OutputFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(dir, error);
       it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) break;
    if (it->is_regular_file()) files.push_back(fs::relative(it->path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Removes a job's folder. What it usually holds is removed by name; a recursive walk (costly on
// ext4, a good part of a short job's overhead) only where the script left files behind.
void RemoveJobDir(const std::string& dir, const std::string& input, const std::string& output) {
  std::error_code ignored;
  ::unlink(input.c_str());
  ::unlink((dir + "/log").c_str());
  for (const std::string& d : {dir + "/work", output, dir}) {
    if (::rmdir(d.c_str()) != 0 && errno != ENOENT) fs::remove_all(d, ignored);
  }
}

std::string Flatten(const std::string& relative) {
  std::string name = relative;
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

}  // namespace

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
  RunResult result;
  if (!cgroups_) cgroups_ = std::make_unique<Cgroups>(options_.prioritize_jobs);
  if (!noted_) {
    result.notes = cgroups_->notes();
    noted_ = true;
  }
  const Workflow& workflow = *request.workflow;
  const std::string arch = Arch();
  const std::string host = Hostname();

  // Buckets and per-component state.
  std::map<std::string, ComponentState> states;
  for (const Deployment& deployment : request.deployments) {
    std::optional<ComponentId> id = workflow.Find(deployment.component);
    if (!id)
      throw std::runtime_error("run request deploys unknown component " + deployment.component);
    ComponentState& state = states[deployment.component];
    state.deployment = &deployment;
    state.component = &workflow.component(*id);
    state.bucket = (fs::path(request.work_dir) / "buckets" / deployment.component).string();
    fs::create_directories(state.bucket);
    state.environment = JobEnvironment(deployment);
    state.script = fs::absolute(state.component->script_path).string();
  }
  for (auto& [name, state] : states) {
    for (ComponentId next : workflow.Successors(*workflow.Find(name))) {
      auto it = states.find(workflow.component(next).name);
      if (it != states.end()) state.successors.push_back(&it->second);
    }
  }
  const std::string outputs_dir = (fs::path(request.work_dir) / "outputs").string();
  const std::string jobs_dir = (fs::path(request.work_dir) / "jobs").string();
  fs::create_directories(jobs_dir);

  const Clock::time_point t0 = Clock::now();
  auto now = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };

  auto land = [&](ComponentState& state, const std::string& from, const std::string& name,
                  bool move) {
    std::string path = (fs::path(state.bucket) / name).string();
    if (move) {
      fs::rename(from, path);
    } else {
      fs::copy_file(from, path, fs::copy_options::overwrite_existing);
    }
    state.inputs.push_back(path);
    state.queue.push_back({name, path, now()});
  };

  std::vector<std::unique_ptr<RunningJob>> running;
  size_t next_upload = 0;
  int job_sequence = 0;
  double first_submit = INFINITY, last_finish = 0;

  auto start_job = [&](ComponentState& state) {
    QueuedFile file = std::move(state.queue.front());
    state.queue.pop_front();
    auto job = std::make_unique<RunningJob>();
    job->state = &state;
    job->input_name = file.name;
    JobRecord& r = job->record;
    r.campaign = request.campaign;
    r.run_id = request.run_id;
    r.repetition = request.repetition;
    r.component = state.deployment->component;
    r.job_id = r.component + ":" + file.name;
    r.source = "local";
    r.cluster = "local";
    r.node = host;
    r.arch = arch;
    r.cpu = state.deployment->cpu;
    r.memory_mb = state.deployment->memory_bytes / 1048576;
    r.parallelism = state.deployment->parallelism;
    r.parameters = request.parameters;
    r.t_submit = file.t_submit;
    r.t_pod_start = now();
    ++state.running;
    if (observer.job_started) observer.job_started(r.component, r.job_id);

    // The job's folder: its input, its log (stdout and stderr, as a container log), the script's
    // fresh working folder and TMP_OUTPUT_DIR. Few inodes: creating them is most of a job's
    // overhead on ext4.
    int sequence = job_sequence++;
    job->dir = (fs::path(jobs_dir) / std::to_string(sequence)).string();
    std::string work = job->dir + "/work";
    job->output_dir = job->dir + "/output";
    fs::create_directory(job->dir);
    fs::create_directory(work);
    fs::create_directory(job->output_dir);
    job->cgroup = cgroups_->CreateJob(
        "run" + std::to_string(request.run_id) + "-job" + std::to_string(sequence),
        {state.deployment->cpu, state.deployment->memory_bytes, state.deployment->cpuset});
    r.limits = job->cgroup->limits();
    r.t_container_start = now();
    // "Download": a hard link to the bucket's file where the file system allows, else a copy.
    std::string input = (fs::path(job->dir) / fs::path(file.name).filename()).string();
    job->input_path = input;
    std::error_code link_error;
    fs::create_hard_link(file.path, input, link_error);
    if (link_error) fs::copy_file(file.path, input);
    r.input_bytes = static_cast<double>(fs::file_size(input));
    ProcessSpec spec;
    spec.script = state.script;
    spec.working_dir = work;
    spec.environment = state.environment;
    spec.environment.push_back("INPUT_FILE_PATH=" + input);
    spec.environment.push_back("TMP_OUTPUT_DIR=" + job->output_dir);
    spec.stdout_path = job->dir + "/log";
    spec.stderr_path = spec.stdout_path;
    spec.cgroup_procs_files = job->cgroup->procs_files();
    r.t_exec_start = now();
    job->deadline = r.t_exec_start + request.job_timeout_s;
    try {
      job->process = std::make_unique<JobProcess>(spec);
    } catch (const std::exception& e) {
      r.failure_reason = std::string("could not start: ") + e.what();
    }
    running.push_back(std::move(job));
  };

  auto finish_job = [&](RunningJob& job) {
    JobRecord& r = job.record;
    ProcessExit exit;
    if (job.process) {
      exit = job.process->Wait();
    } else {
      exit.exited = true;
      exit.code = 127;
    }
    r.t_exec_end = now();
    job.cgroup->KillAll();  // anything the script left running in the background
    JobUsage usage = job.cgroup->ReadUsage();
    r.cpu_time_s = std::isnan(usage.cpu_time_s) ? exit.cpu_time_s : usage.cpu_time_s;
    r.peak_memory_mb = usage.peak_memory_bytes / 1048576;
    // As Kubernetes does with cgroup v2 (memory.oom.group): a job in which the OOM killer
    // struck failed, even if its script went on and exited 0.
    bool ok = exit.exited && exit.code == 0 && !job.timed_out && !usage.oom_killed;
    if (!ok) {
      r.status = "failed";
      if (!r.failure_reason.empty()) {
        // could not start
      } else if (job.timed_out) {
        r.failure_reason = "timeout after " + FormatNumber(request.job_timeout_s) + " s";
      } else if (usage.oom_killed) {
        r.failure_reason = "oom: memory limit " + FormatNumber(r.memory_mb) + " MiB exceeded";
      } else if (exit.exited) {
        r.failure_reason = "exit " + std::to_string(exit.code);
      } else {
        r.failure_reason = "killed by " + SignalName(exit.signal);
      }
    }
    // Upload: every output file to each deployed successor's bucket (or to outputs/).
    if (ok) {
      for (const std::string& relative : OutputFiles(job.output_dir)) {
        std::string from = (fs::path(job.output_dir) / relative).string();
        r.output_bytes += static_cast<double>(fs::file_size(from));
        ++r.output_files;
        std::string name = fs::path(job.input_name).filename().string() + "--" + Flatten(relative);
        for (size_t s = 0; s < job.state->successors.size(); ++s) {
          land(*job.state->successors[s], from, name, s + 1 == job.state->successors.size());
        }
        if (job.state->successors.empty()) {
          std::string target = (fs::path(outputs_dir) / r.component / name).string();
          fs::create_directories(fs::path(target).parent_path());
          fs::rename(from, target);
        }
      }
    }
    r.t_finish = now();
    std::string log_tail = ReadTail(job.dir + "/log", kLogTailBytes);
    job.cgroup.reset();  // empties and removes the cgroup
    job.process.reset();
    if (!options_.keep_job_dirs) RemoveJobDir(job.dir, job.input_path, job.output_dir);
    --job.state->running;
    ++result.jobs;
    if (!r.succeeded()) ++result.failed_jobs;
    first_submit = std::min(first_submit, r.t_submit);
    last_finish = std::max(last_finish, r.t_finish);
    if (observer.job_finished) observer.job_finished(r, log_tail);
  };

  while (true) {
    // Uploads that are due.
    while (next_upload < request.uploads.size() && request.uploads[next_upload].time_s <= now()) {
      const Upload& upload = request.uploads[next_upload++];
      auto it = states.find(upload.component);
      if (it == states.end()) throw std::runtime_error("upload to undeployed " + upload.component);
      land(it->second, upload.path, upload.name, false);
    }
    // Free slots take queued files (components in workflow order).
    for (const Deployment& deployment : request.deployments) {
      ComponentState& state = states[deployment.component];
      while (state.running < deployment.parallelism && !state.queue.empty()) start_job(state);
    }
    // Jobs that could not start are finished at once.
    for (size_t i = 0; i < running.size();) {
      if (!running[i]->process) {
        finish_job(*running[i]);
        running.erase(running.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
    bool queued = std::any_of(states.begin(), states.end(),
                              [](const auto& s) { return !s.second.queue.empty(); });
    if (running.empty() && !queued && next_upload == request.uploads.size()) break;
    if (running.empty() && queued) continue;

    // Wait for a job to end, an upload to be due, or a deadline.
    double wake = INFINITY;
    if (next_upload < request.uploads.size()) wake = request.uploads[next_upload].time_s;
    for (const auto& job : running) {
      if (!job->timed_out) wake = std::min(wake, job->deadline);
    }
    double wait_s = wake - now();
    int timeout_ms =
        std::isinf(wake) ? -1 : std::max(0, static_cast<int>(std::ceil(wait_s * 1000)));
    std::vector<pollfd> fds;
    for (const auto& job : running) fds.push_back({job->process->pidfd(), POLLIN, 0});
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR)
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    // Deadlines.
    double t = now();
    for (const auto& job : running) {
      if (!job->timed_out && t >= job->deadline) {
        job->timed_out = true;
        job->process->KillGroup();
        job->cgroup->KillAll();
      }
    }
    // Ended jobs, in the order of their slots.
    std::vector<std::unique_ptr<RunningJob>> still;
    for (size_t i = 0; i < running.size(); ++i) {
      if (ready > 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        finish_job(*running[i]);
      } else {
        still.push_back(std::move(running[i]));
      }
    }
    running = std::move(still);
  }

  for (const auto& [name, state] : states) result.component_inputs[name] = state.inputs;
  result.makespan_s = result.jobs > 0 ? last_finish - first_submit : 0;
  return result;
}

}  // namespace twinprof
