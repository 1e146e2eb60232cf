#include "calibrate/measured_jobs.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "sim/interference.h"

namespace twinprof::calibrate {

double MeasuredJob::MeanOthers() const {
  double seconds = 0, weighted = 0;
  for (const OccupancyPiece& piece : occupancy) {
    seconds += piece.seconds;
    weighted += piece.seconds * piece.others;
  }
  return seconds > 0 ? weighted / seconds : 0;
}

namespace {

std::string NodeTypeOf(const sim::Scenario& scenario, workflow::ComponentId id,
                       const JobRecord& record) {
  if (!record.node_type.empty()) return record.node_type;
  const sim::ComponentDeployment& deployment = scenario.deployments[id];
  if (!deployment.node_type.empty()) return deployment.node_type;
  const platform::Cluster* cluster = scenario.platform.FindCluster(deployment.cluster);
  if (cluster != nullptr && cluster->nodes.size() == 1) return cluster->nodes.front().first;
  return "";
}

bool TimesAreFinite(const JobRecord& r) {
  for (double t : {r.t_submit, r.t_pod_start, r.t_container_start, r.t_exec_start, r.t_exec_end,
                   r.t_finish, r.cpu}) {
    if (!std::isfinite(t)) return false;
  }
  return true;
}

// Fills occupancy, first_on_node and slot_was_free from the jobs of one run on one node (and,
// for slots, of one component in the run).
void AnnotateGroup(std::vector<MeasuredJob*>& node_jobs, const MeasuredJob* first) {
  for (MeasuredJob* job : node_jobs) {
    const double start = job->record->t_exec_start, end = job->record->t_exec_end;
    std::vector<double> cuts = {start, end};
    for (const MeasuredJob* other : node_jobs) {
      for (double t : {other->record->t_exec_start, other->record->t_exec_end}) {
        if (t > start && t < end) cuts.push_back(t);
      }
    }
    std::sort(cuts.begin(), cuts.end());
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      const double a = cuts[i], b = cuts[i + 1];
      if (!(b > a)) continue;
      const double mid = (a + b) / 2;
      OccupancyPiece piece;
      piece.seconds = b - a;
      piece.computing.push_back(static_cast<size_t>(job - first));
      for (const MeasuredJob* other : node_jobs) {
        if (other == job) continue;
        if (other->record->t_exec_start <= mid && other->record->t_exec_end > mid) {
          piece.computing.push_back(static_cast<size_t>(other - first));
        }
      }
      job->occupancy.push_back(piece);
    }
  }
}

}  // namespace

MeasuredJobs CollectMeasuredJobs(const sim::Scenario& scenario,
                                 const std::vector<profile::JobRecordSet>& data) {
  MeasuredJobs measured;
  const workflow::Workflow& workflow = scenario.workflow;
  measured.records_per_component.assign(workflow.size(), 0);
  for (size_t d = 0; d < data.size(); ++d) {
    const profile::JobRecordSet& set = data[d];
    measured.data_paths.push_back(set.path);
    if (set.records.empty()) throw InputError(SourceLocation{set.path}, "no job records");
    int succeeded = 0;
    for (size_t i = 0; i < set.records.size(); ++i) {
      const JobRecord& record = set.records[i];
      const SourceLocation& where = i < set.where.size() ? set.where[i] : SourceLocation{set.path};
      std::optional<workflow::ComponentId> id = workflow.Find(record.component);
      if (!id) {
        throw InputError(where, "component '" + record.component + "' is not in workflow '" +
                                    workflow.name() +
                                    "' (records of another workflow? the scenario runs " +
                                    workflow.name() + ")");
      }
      if (!record.succeeded()) {
        ++measured.failed;
        continue;
      }
      ++succeeded;
      if (!TimesAreFinite(record)) {
        throw InputError(where, "job '" + record.job_id + "' has a time that is not a number");
      }
      MeasuredJob job;
      job.record = &record;
      job.where = where;
      job.data_file = static_cast<int>(d);
      job.component = *id;
      job.node_type = NodeTypeOf(scenario, *id, record);
      if (job.node_type.empty()) {
        throw InputError(where, "job '" + record.job_id +
                                    "' has no node_type and its component's placement (cluster '" +
                                    scenario.deployments[*id].cluster +
                                    "') has several node types: place it on one node_type");
      }
      const platform::NodeType* type = scenario.platform.FindNodeType(job.node_type);
      if (type == nullptr) {
        throw InputError(where, "node type '" + job.node_type + "' of job '" + record.job_id +
                                    "' is not in platform '" + scenario.platform.name + "'");
      }
      job.node_cores = type->cores;
      if (!(record.compute_s() > 0)) {
        ++measured.ignored;
        continue;
      }
      measured.jobs.push_back(job);
      ++measured.records_per_component[*id];
    }
    if (succeeded == 0) {
      throw InputError(SourceLocation{set.path},
                       "no succeeded job (all " + std::to_string(set.records.size()) + " failed)");
    }
  }
  for (workflow::ComponentId id : workflow.components()) {
    if (measured.records_per_component[id] == 0) {
      std::string files;
      for (const std::string& path : measured.data_paths)
        files += (files.empty() ? "" : ", ") + path;
      throw InputError(SourceLocation{data.empty() ? "" : data.front().path},
                       "component '" + workflow.component(id).name +
                           "' has no succeeded job with a compute time in " + files +
                           ": nothing to calibrate it on");
    }
  }

  // Occupancy by (data file, run, repetition, node); first jobs and free slots by component.
  std::map<std::tuple<int, int, int, std::string>, std::vector<MeasuredJob*>> by_node;
  std::map<std::tuple<int, int, int, workflow::ComponentId>, std::vector<MeasuredJob*>>
      by_component;
  for (MeasuredJob& job : measured.jobs) {
    const JobRecord& r = *job.record;
    by_node[{job.data_file, r.run_id, r.repetition, r.node}].push_back(&job);
    by_component[{job.data_file, r.run_id, r.repetition, job.component}].push_back(&job);
  }
  for (auto& [key, jobs] : by_node) {
    AnnotateGroup(jobs, measured.jobs.data());
    std::map<workflow::ComponentId, MeasuredJob*> first;
    for (MeasuredJob* job : jobs) {
      MeasuredJob*& earliest = first[job->component];
      if (earliest == nullptr || job->record->t_pod_start < earliest->record->t_pod_start) {
        earliest = job;
      }
    }
    for (auto& [component, job] : first) job->first_on_node = true;
  }
  for (auto& [key, jobs] : by_component) {
    for (MeasuredJob* job : jobs) {
      // Jobs submitted before it (FIFO) and not finished either hold a slot or queue ahead.
      const JobRecord& mine = *job->record;
      const double t = mine.t_submit;
      int running = 0;
      for (const MeasuredJob* other : jobs) {
        const JobRecord& r = *other->record;
        const bool ahead = r.t_submit < t || (r.t_submit == t && r.t_pod_start < mine.t_pod_start);
        if (other != job && ahead && r.t_finish > t) ++running;
      }
      const int slots = std::max(1, job->record->parallelism);
      job->slot_was_free = running < slots;
    }
  }
  // A free slot is not enough: the node must also have had room for the job's cpu.
  for (auto& [key, jobs] : by_node) {
    for (MeasuredJob* job : jobs) {
      if (!job->slot_was_free) continue;
      const double t = job->record->t_submit;
      double used = job->record->cpu;
      for (const MeasuredJob* other : jobs) {
        if (other != job && other->record->t_pod_start <= t && other->record->t_finish > t) {
          used += other->record->cpu;
        }
      }
      job->slot_was_free = used <= job->node_cores + 1e-9;
    }
  }
  // Until the fit knows the serial fractions, a job wants the cores of its cpu limit.
  // (sim::CoresWanted with no serial part: the limit, at most the node's cores).
  UpdateCoreSharing(measured, [](const MeasuredJob& job) {
    return sim::CoresWanted(0, job.record->cpu, job.node_cores);
  });
  // Concurrent transfers on each cluster's storage link.
  std::map<std::tuple<int, int, int, std::string>, std::vector<MeasuredJob*>> by_cluster;
  for (MeasuredJob& job : measured.jobs) {
    const JobRecord& r = *job.record;
    by_cluster[{job.data_file, r.run_id, r.repetition, r.cluster}].push_back(&job);
  }
  for (auto& [key, jobs] : by_cluster) {
    std::vector<std::pair<double, double>> transfers;  // every download and upload
    for (const MeasuredJob* job : jobs) {
      transfers.emplace_back(job->record->t_container_start, job->record->t_exec_start);
      transfers.emplace_back(job->record->t_exec_end, job->record->t_finish);
    }
    auto mean_concurrency = [&](double start, double end) {
      if (!(end > start)) return 1.0;
      double overlap = 0;
      for (const auto& [a, b] : transfers)
        overlap += std::max(0.0, std::min(b, end) - std::max(a, start));
      return std::max(1.0, overlap / (end - start));
    };
    for (MeasuredJob* job : jobs) {
      job->download_sharing =
          mean_concurrency(job->record->t_container_start, job->record->t_exec_start);
      job->upload_sharing = mean_concurrency(job->record->t_exec_end, job->record->t_finish);
    }
  }
  return measured;
}

void UpdateCoreSharing(MeasuredJobs& measured,
                       const std::function<double(const MeasuredJob&)>& cores_wanted,
                       const std::function<double(const MeasuredJob&)>& on_cpu_share) {
  std::vector<double> cores, share;
  for (const MeasuredJob& job : measured.jobs) {
    cores.push_back(cores_wanted(job));
    share.push_back(on_cpu_share ? std::clamp(on_cpu_share(job), 0.0, 1.0) : 1.0);
  }
  for (size_t j = 0; j < measured.jobs.size(); ++j) {
    MeasuredJob& job = measured.jobs[j];
    for (OccupancyPiece& piece : job.occupancy) {
      double others = 0, others_demand = 0;
      for (size_t other : piece.computing) {
        if (other == j) continue;
        others += share[other];
        others_demand += cores[other] * share[other];
      }
      piece.oversubscription = std::max(1.0, (cores[j] + others_demand) / job.node_cores);
      piece.others = sim::OthersAtOnce(others, others_demand, cores[j], job.node_cores);
    }
  }
}

}  // namespace twinprof::calibrate
