// JobFlow: the OSCAR-on-Kubernetes model that Simulation runs inside its SimGrid Engine (an
// internal part of Simulation; see simulation.h for the semantics).
//
// Actors: one "arrivals" actor that uploads the workload's files to the input buckets, and one
// worker actor per parallelism slot of each component. A worker takes its component's next job
// (FIFO), asks the NodePool for a node (suspending itself until one has room), then plays the
// job's phases: scheduling delay, cold start, download, compute, upload. Finished jobs release
// their node, start the downstream jobs, and leave a JobRecord in the CSV and the statistics.
// Workers idle by suspending themselves; the last job's end wakes them up to exit.
// Synchronous services (deployment.sync.enabled) have no workers: each request is an actor that
// finds or starts a container (SyncContainers; job_flow_sync.cc), then plays the same phases.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "core/job_record.h"
#include "platform/simgrid_platform.h"
#include "sim/image_cache.h"
#include "sim/interference.h"
#include "sim/node_pool.h"
#include "sim/run_statistics.h"
#include "sim/scenario.h"
#include "sim/sync_service.h"

namespace twinprof {

class JobFlow {
 public:
  // Keeps references to everything; all must outlive the run.
  JobFlow(const Scenario& scenario, const SimGridPlatform& platform, JobCsvWriter* csv,
          std::function<void(const JobRecord&)> on_job, RunStatistics& statistics, int run_id,
          int repetition);

  // Creates the actors. Call before Engine::run().
  void Start();
  long actors() const { return actors_; }
  long image_pulls() const { return images_.pulls(); }
  // Jobs submitted but not finished (0 after a complete run).
  long unfinished() const { return outstanding_; }

 private:
  struct Job {
    int64_t number = 0;  // per component, from 1, in submission order
    double t_submit = 0;
    double input_bytes = 0;
    int input_cluster = 0;  // whose storage holds the input file
  };
  struct Worker;
  struct ComponentState {
    ComponentId id = 0;
    std::string name;
    ComponentDeployment deployment;
    ComponentBehaviour behaviour;
    int cluster = 0;
    std::vector<int> eligible;
    PodRequest request;
    int slots = 0;
    std::vector<ComponentId> successors;
    std::deque<Job> queue;
    std::deque<Worker*> idle;
    int64_t submitted = 0;
    // Synchronous services only: the containers, and the requests waiting at max_scale (each
    // waiting actor with where to write the container it is given).
    std::unique_ptr<SyncContainers> sync;
    std::deque<std::pair<simgrid::s4u::Actor*, int*>> sync_queue;
  };
  struct Worker {
    int component = 0;
    int64_t ticket = 0;
    simgrid::s4u::Actor* actor = nullptr;
    int granted_node = -1;
  };
  struct NodeInfo {
    simgrid::s4u::Host* host = nullptr;
    std::string name;
    const NodeType* type = nullptr;
    int cluster = 0;
  };

  void Arrivals();
  void WorkerLoop(Worker* worker);
  void RunJob(Worker* worker, ComponentState& component, const Job& job);
  // The phases of RunJob: a node for the request (suspending until one has room), the cold
  // start (returns t_pod_start, t_container_start; `init_s` is added after the container start),
  // the job itself once its container is up (data, compute, downstream jobs, record), and the
  // release of a node's requests (waking the jobs now placed).
  int PlaceNode(Worker* worker, const PodRequest& request);
  std::pair<double, double> ColdStart(const ComponentState& component, int node_index,
                                      double init_s);
  void PlayJob(ComponentState& component, const Job& job, int node_index, double t_pod_start,
               double t_container_start);
  void ReleaseNode(int node_index, const PodRequest& request);
  // Synchronous services (job_flow_sync.cc).
  void StartSync(ComponentState& component);
  void ServeSync(ComponentState& component, Job job);
  void FinishSync(ComponentState& component, int container);
  void Reject(ComponentState& component, const Job& job);
  // The fields of `job`'s record that do not depend on how it ran (who, where, limits, the
  // submission); Finish() and Reject() add the rest.
  JobRecord BaseRecord(const ComponentState& component, const Job& job) const;
  // Runs `flops` of the component's work on node `node_index` (Amdahl over its cpu limit, its
  // speed factor and interference on that node type).
  void Compute(const ComponentState& component, int node_index, double flops);
  void Submit(int component, Job job);
  void JobDone();

  const Scenario& scenario_;
  const SimGridPlatform& platform_;
  JobCsvWriter* csv_;
  std::function<void(const JobRecord&)> on_job_;
  RunStatistics& statistics_;
  int run_id_;
  int repetition_;

  std::vector<ComponentState> components_;  // indexed by ComponentId
  std::vector<NodeInfo> nodes_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::optional<NodePool> pool_;
  ImageCache images_;
  NodeInterference interference_;
  long outstanding_ = 0;
  bool arrivals_done_ = false;
  bool stopping_ = false;
  long actors_ = 0;
};

}  // namespace twinprof
