// Interference: jobs computing on one node slow each other down beyond sharing its cores
// (memory bandwidth, caches), as measured on real nodes even when the jobs' cpu limits fit.
//
// Model: while n jobs compute on a node (any component, this one included), a job whose
// component has interference a on that node type progresses f = 1 + a * (n - 1) times slower
// than processor sharing alone allows. NodeInterference applies it as the simulation runs: a job
// runs its work as SimGrid execs of (work left) * f flops; whenever a job starts or ends its
// compute on a node, every other job computing there with a > 0 has its execs cancelled, its
// work left read back (remaining flops / the f they were started with) and restarted at the new
// f. Between two changes of a node's occupancy f is constant, so the compute time is exact for
// the piecewise-constant occupancy. Jobs with a = 0 are never restarted: their execs are exactly
// those of a simulator without interference.
//
// Usage, inside a SimGrid actor:
//   NodeInterference::Job* job = interference.Enter(node_index, a);
//   interference.Run(job, host, {{serial_flops, 0}});             // one thread
//   interference.Run(job, host, {{part, 0}, {part, 0}, {rest, b}}); // threads; bound b (flops/s)
//   interference.Leave(job);
#pragma once

#include <list>
#include <simgrid/s4u.hpp>
#include <vector>

namespace twinprof::sim {

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
    double started_slowdown = 1;  // the f its current execs were started with
    bool starting = false;        // its execs are being started (Run re-checks f after)
    bool cancelling = false;      // CancelExecs is reading and cancelling its execs
    std::vector<simgrid::s4u::ExecPtr> execs;
    std::vector<double> flops_left;  // per thread, without slowdown
  };

  explicit NodeInterference(size_t nodes) : computing_(nodes) {}

  // Registers a job computing on `node` (its occupancy grows by one, which re-rates the others).
  Job* Enter(int node, double interference);
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

  std::vector<std::list<Job>> computing_;  // per node; a list, so Job pointers stay valid
  long restarts_ = 0;
};

}  // namespace twinprof::sim
