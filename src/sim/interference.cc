#include "sim/interference.h"

#include <algorithm>
#include <simgrid/Exception.hpp>

namespace twinprof::sim {

namespace sg4 = simgrid::s4u;

double CoresWanted(double serial_fraction, double cpu, double node_cores) {
  const double c = std::min(cpu, node_cores);
  if (!(c > 1)) return c > 0 ? c : 1;
  return 1 / (serial_fraction + (1 - serial_fraction) / c);
}

double OthersAtOnce(double others, double others_cores, double own_cores, double node_cores) {
  const double room = std::max(0.0, node_cores - own_cores);
  return others_cores > room ? others * room / others_cores : others;
}

double NodeInterference::Slowdown(const Job& job) const {
  if (job.interference == 0) return 1;
  const std::list<Job>& jobs = computing_[static_cast<size_t>(job.node)];
  double others_cores = -job.cores;
  for (const Job& other : jobs) others_cores += other.cores;
  return 1 + job.interference * OthersAtOnce(static_cast<double>(jobs.size()) - 1, others_cores,
                                             job.cores, node_cores_[static_cast<size_t>(job.node)]);
}

NodeInterference::Job* NodeInterference::Enter(int node, double interference, double cores) {
  Job& job = computing_[node].emplace_back();
  job.node = node;
  job.interference = interference;
  job.cores = cores;
  Rerate(node);
  return &job;
}

void NodeInterference::Leave(Job* job) {
  const int node = job->node;
  auto& jobs = computing_[node];
  for (auto it = jobs.begin(); it != jobs.end(); ++it) {
    if (&*it == job) {
      jobs.erase(it);
      break;
    }
  }
  Rerate(node);
}

void NodeInterference::Run(Job* job, sg4::Host* host, const std::vector<Thread>& threads) {
  job->flops_left.clear();
  for (const Thread& thread : threads) job->flops_left.push_back(thread.flops);
  while (true) {
    const double slowdown = Slowdown(*job);
    // What each thread had left when these execs started: the flops done below are the
    // difference, times the slowdown they ran at (a slowed-down job holds its cores longer).
    const std::vector<double> before = job->flops_left;
    auto count_done = [&] {
      for (size_t i = 0; i < before.size(); ++i) {
        job->cpu_flops += (before[i] - job->flops_left[i]) * slowdown;
      }
    };
    job->started_slowdown = slowdown;
    job->execs.assign(threads.size(), nullptr);
    // Starting an exec yields to SimGrid, and another job may enter or leave the node meanwhile:
    // Rerate() leaves a starting job alone, which checks its slowdown once all are started.
    job->starting = true;
    for (size_t i = 0; i < threads.size(); ++i) {
      // Work below a nano-flop is what floating point leaves of a finished thread.
      if (!(job->flops_left[i] > 1e-9 * threads[i].flops)) continue;
      sg4::ExecPtr exec =
          sg4::Exec::init()->set_flops_amount(job->flops_left[i] * slowdown)->set_host(host);
      if (threads[i].bound > 0) exec->set_bound(threads[i].bound);
      job->execs[i] = exec;
      exec->start();
    }
    job->starting = false;
    if (Slowdown(*job) != slowdown) {
      CancelExecs(*job);
      Drain(*job);
      count_done();
      continue;
    }
    try {
      for (sg4::ExecPtr& exec : job->execs) {
        if (exec) exec->wait();
      }
      for (size_t i = 0; i < threads.size(); ++i) {
        if (job->execs[i]) job->flops_left[i] = 0;
      }
      count_done();
      break;
    } catch (const simgrid::CancelException&) {
      // Rerate() cancelled the execs and left the work in flops_left: start again once it has
      // read them all (each cancel yields to SimGrid, so it may still be at it).
      while (job->cancelling) sg4::this_actor::yield();
      Drain(*job);
      count_done();
    }
  }
  // Another actor may still be reading these execs (CancelExecs found them all finished).
  while (job->cancelling) sg4::this_actor::yield();
  job->execs.clear();
}

void NodeInterference::Drain(Job& job) {
  for (sg4::ExecPtr& exec : job.execs) {
    if (!exec) continue;
    try {
      exec->wait();
    } catch (const simgrid::CancelException&) {
    }
  }
}

void NodeInterference::CancelExecs(Job& job) {
  job.cancelling = true;
  for (size_t i = 0; i < job.execs.size(); ++i) {
    sg4::ExecPtr exec = job.execs[i];  // a copy: each call below yields to other actors
    if (!exec) continue;
    // A cancelled exec's work left was read when it was cancelled (twice in one moment).
    if (exec->get_state() == sg4::Activity::State::CANCELED) continue;
    // An exec that ends at this very moment may not be marked finished yet (its owner has not
    // run): test() asks the kernel, and such an exec is left to end.
    if (exec->get_state() == sg4::Activity::State::FINISHED || exec->test()) {
      job.flops_left[i] = 0;
      continue;
    }
    const double remaining = exec->get_remaining();
    job.flops_left[i] = remaining / job.started_slowdown;
    // The owner, waiting on this exec or a later one, gets a CancelException and restarts at
    // the new slowdown. The exec stays in job.execs: the owner may be waiting on it.
    exec->cancel();
    ++restarts_;
  }
  job.cancelling = false;
}

void NodeInterference::Rerate(int node) {
  for (Job& job : computing_[node]) {
    if (job.interference == 0 || job.starting || job.cancelling || job.execs.empty()) continue;
    if (Slowdown(job) != job.started_slowdown) CancelExecs(job);
  }
}

}  // namespace twinprof::sim
