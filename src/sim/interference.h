// Interference: jobs computing on one node slow each other down beyond sharing its cores
// (memory bandwidth, caches), as measured on real nodes even when the jobs' cpu limits fit.
//
// Model: while n jobs compute on a node (any component, this one included), a job whose
// component has interference a on that node type progresses f = 1 + a * m times slower than
// processor sharing alone allows, where m counts the other jobs that compute at the same moment
// as it: all n - 1 while their cores fit beside its own, and when the node is oversubscribed
// only the share of them its free cores hold, m = (n - 1) * min(1, (C - u) / U), with C the
// node's cores, u the cores the job wants and U those the others want (a job wants
// 1 / (s + (1 - s) / c) cores for a cpu limit c > 1 and serial fraction s, as calibrate
// counts them; c for c <= 1). Four single-threaded jobs time-sliced on two cores slow each other
// as two running side by side do (m = 1, not 3): interference comes from the jobs running at
// once (memory bandwidth, caches), not from those waiting for a core; on one core there is none.
// NodeInterference applies it as the simulation runs: a job
// runs its work as SimGrid execs of (work left) * f flops; whenever a job starts or ends its
// compute on a node, every other job computing there with a > 0 has its execs cancelled, its
// work left read back (remaining flops / the f they were started with) and restarted at the new
// f. Between two changes of a node's occupancy f is constant, so the compute time is exact for
// the piecewise-constant occupancy. Jobs with a = 0 are never restarted: their execs are exactly
// those of a simulator without interference.
//
// Usage, inside a SimGrid actor:
//   NodeInterference::Job* job = interference.Enter(node_index, a, cores_wanted);
//   interference.Run(job, host, {{serial_flops, 0}});             // one thread
//   interference.Run(job, host, {{part, 0}, {part, 0}, {rest, b}}); // threads; bound b (flops/s)
//   interference.Leave(job);
#pragma once

#include <list>
#include <simgrid/s4u.hpp>
#include <utility>
#include <vector>

namespace twinprof::sim {

// The cores a job keeps busy on average on an idle node of `node_cores` cores under a cpu limit
// `cpu`, with serial fraction s: its work over its Amdahl time, 1 / (s + (1 - s) / c) for
// c = min(cpu, node_cores) > 1 (the simulator runs the serial part on one thread), c otherwise.
double CoresWanted(double serial_fraction, double cpu, double node_cores);

// m above: of `others` jobs computing beside a job that wants `own_cores` on a node of
// `node_cores`, wanting `others_cores` together, how many run at the same moment as it.
double OthersAtOnce(double others, double others_cores, double own_cores, double node_cores);

class NodeInterference {
 public:
  // One thread of a job's compute phase: flops (without slowdown) and a rate bound (0 = none).
  struct Thread {
    double flops = 0;
    double bound = 0;
  };
  // A job computing on a node. Owned by NodeInterference from Enter to Leave.
  struct Job {
    int node = 0;
    double interference = 0;
    double cores = 1;             // the cores it wants (u above)
    double started_slowdown = 1;  // the f its current execs were started with
    bool starting = false;        // its execs are being started (Run re-checks f after)
    bool cancelling = false;      // CancelExecs is reading and cancelling its execs
    std::vector<simgrid::s4u::ExecPtr> execs;
    std::vector<double> flops_left;  // per thread, without slowdown
    double cpu_flops = 0;  // flops its execs did so far, slowdown included (its CPU time x speed)
  };

  // `node_cores[i]`: the cores of node i (C above).
  explicit NodeInterference(std::vector<double> node_cores)
      : node_cores_(std::move(node_cores)), computing_(node_cores_.size()) {}

  // Registers a job computing on `node` that wants `cores` cores (its occupancy grows by one,
  // which re-rates the others).
  Job* Enter(int node, double interference, double cores);
  // Runs one phase of the job's compute (its threads in parallel) until all threads are done.
  void Run(Job* job, simgrid::s4u::Host* host, const std::vector<Thread>& threads);
  // Unregisters the job (re-rating the others); `job` is invalid afterwards.
  void Leave(Job* job);

  // Execs restarted so far because a node's occupancy changed (for tests and reports).
  long restarts() const { return restarts_; }

 private:
  double Slowdown(const Job& job) const;
  // Cancels the job's running execs, keeping the work they had left in flops_left. Each cancel
  // yields to SimGrid (no simulated time passes): `cancelling` keeps the owner and other
  // re-rates away from the job meanwhile.
  void CancelExecs(Job& job);
  // Waits for each of the job's execs, finished or cancelled, so that no cancellation is left
  // pending when they are dropped.
  void Drain(Job& job);
  // Restarts the running execs of the jobs on `node` whose slowdown changed.
  void Rerate(int node);

  std::vector<double> node_cores_;
  std::vector<std::list<Job>> computing_;  // per node; a list, so Job pointers stay valid
  long restarts_ = 0;
};

}  // namespace twinprof::sim
