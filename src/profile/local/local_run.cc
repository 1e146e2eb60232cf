#include "profile/local/local_run.h"

#include <poll.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "profile/interrupt.h"
#include "profile/planner.h"

extern char** environ;

namespace twinprof::profile::local {
namespace {

namespace fs = std::filesystem;

constexpr size_t kLogTailBytes = 2000;

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

LocalRun::LocalRun(const RunRequest& request, const RunObserver& observer, Cgroups& cgroups,
                   const LocalBackendOptions& options)
    : request_(request),
      observer_(observer),
      cgroups_(cgroups),
      options_(options),
      arch_(Arch()),
      host_(Hostname()),
      work_dir_(fs::absolute(request.work_dir).lexically_normal().string()),
      first_submit_(INFINITY) {}

double LocalRun::Now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

RunResult LocalRun::Execute() {
  CreateBuckets();
  t0_ = std::chrono::steady_clock::now();
  while (true) {
    UploadDueFiles();
    StartQueuedJobs();
    FinishUnstartedJobs();
    if (AllDone()) break;
    if (running_.empty() && AnyQueued()) continue;  // jobs that could not start left slots
    std::vector<size_t> ended = WaitForEvents();
    StopIfInterrupted();
    KillOverdueJobs();
    FinishEndedJobs(ended);
  }
  for (const auto& [name, state] : states_) result_.component_inputs[name] = state.inputs;
  result_.makespan_s = result_.jobs > 0 ? last_finish_ - first_submit_ : 0;
  return result_;
}

void LocalRun::CreateBuckets() {
  const workflow::Workflow& workflow = *request_.workflow;
  for (const Deployment& deployment : request_.deployments) {
    std::optional<workflow::ComponentId> id = workflow.Find(deployment.component);
    if (!id)
      throw std::runtime_error("run request deploys unknown component " + deployment.component);
    ComponentState& state = states_[deployment.component];
    state.deployment = &deployment;
    state.component = &workflow.component(*id);
    state.bucket = (fs::path(work_dir_) / "buckets" / deployment.component).string();
    fs::create_directories(state.bucket);
    state.environment = JobEnvironment(deployment);
    state.script = fs::absolute(state.component->script_path).string();
  }
  for (auto& [name, state] : states_) {
    for (workflow::ComponentId next : workflow.Successors(*workflow.Find(name))) {
      auto it = states_.find(workflow.component(next).name);
      if (it != states_.end()) state.successors.push_back(&it->second);
    }
  }
  outputs_dir_ = (fs::path(work_dir_) / "outputs").string();
  jobs_dir_ = (fs::path(work_dir_) / "jobs").string();
  fs::create_directories(jobs_dir_);
}

void LocalRun::Land(ComponentState& state, const std::string& from, const std::string& name,
                    bool move) {
  std::string path = (fs::path(state.bucket) / name).string();
  if (move) {
    fs::rename(from, path);
  } else {
    fs::copy_file(from, path, fs::copy_options::overwrite_existing);
  }
  state.inputs.push_back(path);
  state.queue.push_back({name, path, Now()});
}

void LocalRun::UploadDueFiles() {
  while (next_upload_ < request_.uploads.size() && request_.uploads[next_upload_].time_s <= Now()) {
    const Upload& upload = request_.uploads[next_upload_++];
    auto it = states_.find(upload.component);
    if (it == states_.end()) throw std::runtime_error("upload to undeployed " + upload.component);
    Land(it->second, upload.path, upload.name, false);
  }
}

void LocalRun::StartQueuedJobs() {
  for (const Deployment& deployment : request_.deployments) {
    ComponentState& state = states_[deployment.component];
    while (state.running < deployment.parallelism && !state.queue.empty()) StartJob(state);
  }
}

void LocalRun::StartJob(ComponentState& state) {
  QueuedFile file = std::move(state.queue.front());
  state.queue.pop_front();
  auto job = std::make_unique<RunningJob>();
  job->state = &state;
  job->input_name = file.name;
  JobRecord& r = job->record;
  r.campaign = request_.campaign;
  r.run_id = request_.run_id;
  r.repetition = request_.repetition;
  r.component = state.deployment->component;
  r.job_id = r.component + ":" + file.name;
  r.source = "local";
  r.cluster = "local";
  r.node = host_;
  r.arch = arch_;
  r.cpu = state.deployment->cpu;
  r.memory_mb = state.deployment->memory_bytes / 1048576;
  r.parallelism = state.deployment->parallelism;
  r.parameters = request_.parameters;
  r.t_submit = file.t_submit;
  r.t_pod_start = Now();
  ++state.running;
  if (observer_.job_started) observer_.job_started(r.component, r.job_id);

  // The job's folder: its input, its log (stdout and stderr, as a container log), the script's
  // fresh working folder and TMP_OUTPUT_DIR. Few inodes: creating them is most of a job's
  // overhead on ext4.
  int sequence = job_sequence_++;
  job->dir = (fs::path(jobs_dir_) / std::to_string(sequence)).string();
  std::string work = job->dir + "/work";
  job->output_dir = job->dir + "/output";
  fs::create_directory(job->dir);
  fs::create_directory(work);
  fs::create_directory(job->output_dir);
  job->cgroup = cgroups_.CreateJob(
      "run" + std::to_string(request_.run_id) + "-job" + std::to_string(sequence),
      {state.deployment->cpu, state.deployment->memory_bytes, state.deployment->cpuset});
  r.limits = job->cgroup->limits();
  r.t_container_start = Now();
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
  r.t_exec_start = Now();
  job->deadline = r.t_exec_start + request_.job_timeout_s;
  try {
    job->process = std::make_unique<JobProcess>(spec);
  } catch (const std::exception& e) {
    r.failure_reason = std::string("could not start: ") + e.what();
  }
  running_.push_back(std::move(job));
}

void LocalRun::FinishUnstartedJobs() {
  for (size_t i = 0; i < running_.size();) {
    if (!running_[i]->process) {
      FinishJob(*running_[i]);
      running_.erase(running_.begin() + static_cast<long>(i));
    } else {
      ++i;
    }
  }
}

bool LocalRun::AnyQueued() const {
  return std::any_of(states_.begin(), states_.end(),
                     [](const auto& s) { return !s.second.queue.empty(); });
}

bool LocalRun::AllDone() const {
  return running_.empty() && !AnyQueued() && next_upload_ == request_.uploads.size();
}

std::vector<size_t> LocalRun::WaitForEvents() {
  double wake = INFINITY;
  if (next_upload_ < request_.uploads.size()) wake = request_.uploads[next_upload_].time_s;
  for (const auto& job : running_) {
    if (!job->timed_out) wake = std::min(wake, job->deadline);
  }
  double wait_s = wake - Now();
  int timeout_ms = std::isinf(wake) ? -1 : std::max(0, static_cast<int>(std::ceil(wait_s * 1000)));
  std::vector<pollfd> fds;
  for (const auto& job : running_) fds.push_back({job->process->pidfd(), POLLIN, 0});
  if (request_.interrupt) fds.push_back({request_.interrupt->fd(), POLLIN, 0});
  int ready = ::poll(fds.data(), fds.size(), timeout_ms);
  if (ready < 0 && errno != EINTR) {
    throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
  }
  std::vector<size_t> ended;
  for (size_t i = 0; ready > 0 && i < running_.size(); ++i) {
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) ended.push_back(i);
  }
  return ended;
}

void LocalRun::StopIfInterrupted() {
  if (!request_.interrupt) return;
  int signal = request_.interrupt->Poll();
  if (signal == 0) return;
  for (const auto& job : running_) {
    if (job->process) job->process->KillGroup();
    job->cgroup->KillAll();
  }
  for (const auto& job : running_) {
    if (job->process) job->process->Wait();
    job->cgroup.reset();  // empties and removes the cgroup
    if (!options_.keep_job_dirs) RemoveJobDir(job->dir, job->input_path, job->output_dir);
  }
  running_.clear();
  throw Interrupted(signal);
}

void LocalRun::KillOverdueJobs() {
  double t = Now();
  for (const auto& job : running_) {
    if (!job->timed_out && t >= job->deadline) {
      job->timed_out = true;
      job->process->KillGroup();
      job->cgroup->KillAll();
    }
  }
}

void LocalRun::FinishEndedJobs(const std::vector<size_t>& ended) {
  std::vector<std::unique_ptr<RunningJob>> still;
  size_t next_ended = 0;
  for (size_t i = 0; i < running_.size(); ++i) {
    if (next_ended < ended.size() && ended[next_ended] == i) {
      ++next_ended;
      FinishJob(*running_[i]);
    } else {
      still.push_back(std::move(running_[i]));
    }
  }
  running_ = std::move(still);
}

void LocalRun::FinishJob(RunningJob& job) {
  JobRecord& r = job.record;
  ProcessExit exit;
  if (job.process) {
    exit = job.process->Wait();
  } else {
    exit.exited = true;
    exit.code = 127;
  }
  r.t_exec_end = Now();
  job.cgroup->KillAll();  // anything the script left running in the background
  JobUsage usage = job.cgroup->ReadUsage();
  r.cpu_time_s = std::isnan(usage.cpu_time_s) ? exit.cpu_time_s : usage.cpu_time_s;
  r.peak_memory_mb = usage.peak_memory_bytes / 1048576;
  r.throttled_fraction = usage.throttled_fraction;
  std::string failure = FailureReason(job, exit, usage);
  if (!failure.empty()) {
    r.status = "failed";
    r.failure_reason = failure;
  } else {
    UploadOutputs(job);
  }
  r.t_finish = Now();
  std::string log_tail = ReadTail(job.dir + "/log", kLogTailBytes);
  job.cgroup.reset();  // empties and removes the cgroup
  job.process.reset();
  if (!options_.keep_job_dirs) RemoveJobDir(job.dir, job.input_path, job.output_dir);
  --job.state->running;
  ++result_.jobs;
  if (!r.succeeded()) ++result_.failed_jobs;
  first_submit_ = std::min(first_submit_, r.t_submit);
  last_finish_ = std::max(last_finish_, r.t_finish);
  if (observer_.job_finished) observer_.job_finished(r, log_tail);
}

std::string LocalRun::FailureReason(const RunningJob& job, const ProcessExit& exit,
                                    const JobUsage& usage) const {
  // As Kubernetes does with cgroup v2 (memory.oom.group): a job in which the OOM killer
  // struck failed, even if its script went on and exited 0.
  bool ok = exit.exited && exit.code == 0 && !job.timed_out && !usage.oom_killed;
  if (ok) return "";
  const JobRecord& r = job.record;
  if (!r.failure_reason.empty()) return r.failure_reason;  // could not start
  if (job.timed_out) return "timeout after " + FormatNumber(request_.job_timeout_s) + " s";
  if (usage.oom_killed) {
    return "oom: memory limit " + FormatNumber(r.memory_mb) + " MiB exceeded";
  }
  if (exit.exited) return "exit " + std::to_string(exit.code);
  return "killed by " + SignalName(exit.signal);
}

void LocalRun::UploadOutputs(RunningJob& job) {
  JobRecord& r = job.record;
  const std::vector<ComponentState*>& successors = job.state->successors;
  for (const std::string& relative : OutputFiles(job.output_dir)) {
    std::string from = (fs::path(job.output_dir) / relative).string();
    r.output_bytes += static_cast<double>(fs::file_size(from));
    ++r.output_files;
    std::string name = fs::path(job.input_name).filename().string() + "--" + Flatten(relative);
    for (size_t s = 0; s < successors.size(); ++s) {
      Land(*successors[s], from, name, s + 1 == successors.size());
    }
    if (successors.empty()) {
      std::string target = (fs::path(outputs_dir_) / r.component / name).string();
      fs::create_directories(fs::path(target).parent_path());
      fs::rename(from, target);
    }
  }
}

}  // namespace twinprof::profile::local
