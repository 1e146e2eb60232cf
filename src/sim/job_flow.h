// JobFlow: the OSCAR-on-Kubernetes model that Simulation runs inside its SimGrid Engine (an
// internal part of Simulation; see simulation.h for the semantics).
//
// The workload's files arrive in the input buckets on SimGrid timers (ArrivalsDue). Actors: one
// worker actor per parallelism slot of each component. A worker takes its component's next job
// (FIFO), asks the NodePool for a node (suspending itself until one has room), then plays the
// job's phases: scheduling delay, cold start, download, compute, upload. Finished jobs release
// their node, start the downstream jobs, and leave a JobRecord in the CSV and the statistics.
// Workers idle by suspending themselves; the last job's end wakes them up to exit.
// Synchronous services (deployment.sync.enabled) have no workers: a request takes a container
// slot or joins the service's queue as plain data (SyncContainers; job_flow_sync.cc). Serving a
// request or cold-starting a container is a task for a pool of helper actors, reused from task to
// task (an actor per request cost a stack mapping and two guard-page changes each); a keeper
// actor per service removes idle containers after their keep-alive.
// Where nothing can contend (job_flow_direct.cc: a service whose nodes can never hold more
// computing requests than cores, a request that moves no data), a task needs no actor and no
// activity: its end is known when it starts, and a SimGrid timer plays it then. The arrivals are
// timers too. Both run in SimGrid's kernel context, so they never block.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <simgrid/s4u.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/job_record.h"
#include "platform/simgrid_platform.h"
#include "sim/arrivals.h"
#include "sim/image_cache.h"
#include "sim/interference.h"
#include "sim/knative_autoscaler.h"
#include "sim/node_pool.h"
#include "sim/run_statistics.h"
#include "sim/scenario.h"
#include "sim/service_time.h"
#include "sim/sync_containers.h"
#include "sim/time_integral.h"

namespace twinprof::sim {

class JobFlow {
 public:
  // Keeps references to everything; all must outlive the run.
  JobFlow(const Scenario& scenario, const platform::SimGridPlatform& platform, JobCsvWriter* csv,
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
    double service_s = -1;  // drawn compute time on an idle node; < 0: from the work model
  };
  struct Worker;
  struct ComponentState {
    workflow::ComponentId id = 0;
    std::string name;
    ComponentDeployment deployment;
    ComponentBehaviour behaviour;
    int cluster = 0;
    std::vector<int> eligible;
    PodRequest request;
    int slots = 0;
    std::vector<workflow::ComponentId> successors;
    // ML-model behaviours: how to build a job's feature row, and the seconds already predicted
    // per row (jobs of one input size ask once).
    std::optional<FeatureRowPlan> features;
    std::map<std::vector<double>, double> predicted_seconds;
    std::deque<Job> queue;
    std::deque<Worker*> idle;
    int64_t submitted = 0;
    // Draws service times when the behaviour gives a distribution; cold requests' times from
    // their own stream when it gives cold_service_time.
    std::optional<ServiceTimeSampler> service_times;
    std::optional<ServiceTimeSampler> cold_service_times;
    // Synchronous services only: the containers, the requests waiting for a slot, the pending
    // containers (container, pool ticket; newest last), and the keep-alive actor.
    std::unique_ptr<SyncContainers> sync;
    bool sync_capped = false;  // max_scale, not the nodes, caps the containers
    // Its nodes can never be oversubscribed: its tasks may run on timers (job_flow_direct.cc).
    bool direct = false;
    std::deque<Job> sync_queue;
    std::deque<std::pair<int, int64_t>> pending;
    size_t promised = 0;  // free slots of starting and pending containers, owed to the queue
    simgrid::s4u::Actor* keeper = nullptr;
    bool keeper_waiting = false;  // suspended with no idle container to watch
    // Requests in flight (in containers or queued), integrated over time; with Knative's
    // autoscaler, its decisions and the containers to remove as soon as they are idle.
    TimeIntegral concurrency;
    std::optional<KnativeAutoscaler> knative;
    int surplus = 0;
  };
  // Work for a helper actor: serve a request in a container (whose slot it holds), or cold-start
  // a placed container.
  struct SyncTask {
    enum class Kind { kServe, kStart };
    Kind kind = Kind::kServe;
    int component = 0;
    int container = 0;
    Job job;
    bool cold = false;   // served by a container that was not ready when the request came
    bool bound = false;  // kStart: the container started for `job`, which it serves first
    double t_pod_start = 0;
    double t_container_start = 0;
  };
  struct Helper {
    simgrid::s4u::Actor* actor = nullptr;
    std::optional<SyncTask> task;
  };
  struct Worker {
    int component = 0;
    int64_t ticket = 0;
    simgrid::s4u::Actor* actor = nullptr;
    int granted_node = -1;
  };
  // When a job's phases ended (seconds): wait until t_pod_start, cold start until
  // t_container_start, then download, compute, upload.
  struct JobTimes {
    double t_pod_start = 0;
    double t_container_start = 0;
    double t_exec_start = 0;
    double t_exec_end = 0;
    double t_finish = 0;
    double cpu_s = 0;  // CPU seconds its compute consumed (the record's cpu_time_s)
  };
  // What a job's compute phase does: work (flops, the node's, before its speed factor) and
  // seconds off the CPU after it.
  struct Demand {
    double flops = 0;
    double off_cpu_s = 0;
  };
  struct NodeInfo {
    simgrid::s4u::Host* host = nullptr;
    std::string name;
    const platform::NodeType* type = nullptr;
    int cluster = 0;
  };

  void WorkerLoop(Worker* worker);
  void RunJob(Worker* worker, ComponentState& component, const Job& job);
  // The phases of RunJob: a node for the request (suspending until one has room), the cold
  // start (returns t_pod_start, t_container_start; `init_s` is added after the container start),
  // the job itself once its container is up (data, compute, downstream jobs, record), and the
  // release of a node's requests (waking the jobs now placed).
  int PlaceNode(Worker* worker, const ComponentState& component);
  std::pair<double, double> ColdStart(const ComponentState& component, int node_index,
                                      double init_s);
  // ColdStart's times without waiting: t_pod_start and when the container is up (which may be
  // now or past). Asks the image cache, so call it once per cold start.
  std::pair<double, double> ColdStartTimes(const ComponentState& component, int node_index,
                                           double init_s);
  // `cold`: the job's container started for it (always for asynchronous jobs).
  void PlayJob(ComponentState& component, const Job& job, int node_index, double t_pod_start,
               double t_container_start, bool cold);
  // The end of a job that ran: its downstream jobs, its record and statistics.
  void FinishJob(ComponentState& component, const Job& job, int node_index, const JobTimes& times,
                 double flops, bool cold);
  // What `job` computes on node `node_index`: its behaviour's work and off-CPU seconds, or its
  // drawn service time's or its model's seconds split into off-CPU seconds (at most all of them)
  // and the work of the rest.
  Demand JobDemand(ComponentState& component, int node_index, const Job& job);
  // A pod of `component` got node `node_index` / gives it back (the statistics follow both).
  void Placed(const ComponentState& component, int node_index);
  void ReleaseNode(const ComponentState& component, int node_index);
  // Synchronous services (job_flow_sync.cc).
  void StartSync(ComponentState& component);
  void SubmitSync(ComponentState& component, const Job& job);
  // Starts a container if max_scale allows: on a node with room now, for `bound` (if not null)
  // then the queue, or else pending (for the queue) when `may_wait`. Returns false when none
  // was started.
  bool GrowSync(ComponentState& component, const Job* bound, bool may_wait);
  // Cancels the newest pending container / those the queue no longer needs.
  void CancelPending(ComponentState& component);
  void CancelSurplusPending(ComponentState& component);
  // A pending container (pool ticket) got its node.
  void PlacePending(int64_t ticket, int node_index);
  // Runs a task: on a timer when it can (TimedTask), else on a helper actor.
  void Dispatch(const SyncTask& task);
  void HelperLoop(Helper* helper);
  void RunTask(SyncTask task);
  // The steps RunTask and the timed tasks share. A started container is ready at
  // t_container_start: it takes its requests (the bound one, then the queue's) and offers its
  // remaining slots; returns the first request it serves. After a request, its slot takes the
  // queue's next request (`task` becomes it; returns false when the queue is empty) or is freed.
  std::optional<SyncTask> ContainerReady(ComponentState& component, const SyncTask& start,
                                         double t_pod_start, double t_container_start);
  bool TakeNextQueued(ComponentState& component, SyncTask& task);
  // A request turned out cold (its container was not ready when it came): its compute time is
  // drawn again from cold_service_time, if the behaviour gives one.
  void ColdServiceTime(ComponentState& component, Job& job);
  void FreeSlot(ComponentState& component, int container);
  // Timer-driven parts (job_flow_direct.cc). Marks the components whose tasks may run on timers;
  // whether `task` can (no data to move); runs it so; the arrivals.
  void MarkDirectComponents();
  bool Timed(const SyncTask& task) const;
  void RunTimed(const SyncTask& task);
  void ServeTimed(SyncTask task);
  // The CPU part of the compute time of `flops` on an idle node `node_index` (what Compute() takes
  // there alone).
  double IdleComputeSeconds(const ComponentState& component, int node_index, double flops) const;
  // Seconds of route latency between a storage host and a node (the empty Transfer()).
  double Latency(simgrid::s4u::Host* storage, int node_index);
  void ScheduleArrivals();
  void ArrivalsDue();
  void KeepAlive(ComponentState& component);
  void Autoscale(ComponentState& component);
  // Removes an idle ready container and frees its node.
  void RemoveContainer(ComponentState& component, int container);
  void Reject(ComponentState& component, const Job& job);
  // The fields of `job`'s record that do not depend on how it ran (who, where, limits, the
  // submission); Finish() and Reject() add the rest.
  JobRecord BaseRecord(const ComponentState& component, const Job& job) const;
  // Runs `flops` of the component's work on node `node_index` (Amdahl over its cpu limit, its
  // speed factor and interference on that node type). Returns the CPU seconds it consumed: the
  // flops its activities did (interference's slowdown included) over the node's speed.
  double Compute(const ComponentState& component, int node_index, double flops);
  // Moves `bytes` between a storage host and node `node_index`; an empty transfer only waits for
  // the route's latency (a sleep, cheaper than an empty communication in SimGrid).
  void Transfer(simgrid::s4u::Host* storage, int node_index, bool to_node, double bytes);
  // The ML model's predicted compute seconds of `job` (never negative).
  double ModelSeconds(ComponentState& component, const Job& job);
  void Submit(int component, Job job);
  void JobDone();

  const Scenario& scenario_;
  const platform::SimGridPlatform& platform_;
  JobCsvWriter* csv_;
  std::function<void(const JobRecord&)> on_job_;
  RunStatistics& statistics_;
  int run_id_;
  int repetition_;

  std::vector<ComponentState> components_;  // indexed by ComponentId
  std::vector<NodeInfo> nodes_;
  // Route latencies between storage hosts and nodes, by (storage host, node), once computed.
  std::map<std::pair<const simgrid::s4u::Host*, int>, double> latencies_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<Helper>> helpers_;
  std::vector<Helper*> idle_helpers_;
  // Pool tickets of pending synchronous containers -> (component, container); they start at
  // kSyncTicketBase, far above the workers' tickets (their index in workers_).
  static constexpr int64_t kSyncTicketBase = int64_t{1} << 40;
  std::unordered_map<int64_t, std::pair<int, int>> pending_;
  int64_t next_ticket_ = kSyncTicketBase;
  // The arrivals still to come (ArrivalsDue plays them) and the components they go to.
  std::optional<ArrivalGenerator> arrivals_;
  std::optional<FileArrival> next_arrival_;
  std::vector<workflow::ComponentId> sources_;
  std::optional<NodePool> pool_;
  ImageCache images_;
  NodeInterference interference_;
  long outstanding_ = 0;
  bool arrivals_done_ = false;
  bool stopping_ = false;
  long actors_ = 0;
};

}  // namespace twinprof::sim
