#include "calibrate/fit_solve.h"

#include <algorithm>

#include "calibrate/fit_starts.h"
#include "sim/interference.h"

namespace twinprof::calibrate {

namespace {

constexpr int kOccupancyPasses = 5;

// Bounds the free parameters of `p` in `problem` to their box (fit_parameters.h) and holds the
// others.
void BoundParameters(const FitDesign& design, Parameters& p, ceres::Problem& problem) {
  const size_t components = design.count.size();
  for (size_t k = 0; k < components; ++k) {
    if (design.count[k] == 0) continue;
    const bool per_byte_free = design.per_byte_free[k], off_free = design.off_free[k];
    problem.SetParameterLowerBound(&p.base[k], 0, kMinBase);
    problem.SetParameterLowerBound(&p.per_byte[k], 0, 0);
    if (!per_byte_free) problem.SetParameterBlockConstant(&p.per_byte[k]);
    if (design.exponent_free[k]) {
      problem.SetParameterLowerBound(&p.exponent[k], 0, kMinExponent);
      problem.SetParameterUpperBound(&p.exponent[k], 0, kMaxExponent);
    } else {
      problem.SetParameterBlockConstant(&p.exponent[k]);
    }
    problem.SetParameterLowerBound(&p.serial[k], 0, 0);
    problem.SetParameterUpperBound(&p.serial[k], 0, 1);
    if (!design.serial_free[k]) problem.SetParameterBlockConstant(&p.serial[k]);
    problem.SetParameterLowerBound(&p.off_base[k], 0, 0);
    problem.SetParameterLowerBound(&p.off_per_byte[k], 0, 0);
    if (!off_free) problem.SetParameterBlockConstant(&p.off_base[k]);
    if (!off_free || !per_byte_free) {
      problem.SetParameterBlockConstant(&p.off_per_byte[k]);
    }
  }
  for (auto& [pair, value] : p.log_ratio) {
    if (!design.ratio_free.at(pair)) {
      problem.SetParameterBlockConstant(&value);
    } else {
      problem.SetParameterLowerBound(&value, 0, -kMaxLogRatio);
      problem.SetParameterUpperBound(&value, 0, kMaxLogRatio);
    }
  }
  for (auto& [pair, value] : p.interference) {
    if (!design.interference_free.at(pair)) {
      problem.SetParameterBlockConstant(&value);
    } else {
      problem.SetParameterLowerBound(&value, 0, 0);
      problem.SetParameterUpperBound(&value, 0, kMaxInterference);
    }
  }
}

}  // namespace

void AddComputeResiduals(const MeasuredJobs& measured,
                         const std::vector<ComputeResidual>& residuals, double huber_scale,
                         Parameters& p, ceres::Problem& problem) {
  ceres::LossFunction* loss = new ceres::HuberLoss(huber_scale);
  for (size_t j = 0; j < measured.jobs.size(); ++j) {
    const MeasuredJob& job = measured.jobs[j];
    const size_t k = job.component;
    const Pair pair{job.component, job.node_type};
    auto* cost = new ceres::AutoDiffCostFunction<ComputeResidual, 1, 1, 1, 1, 1, 1, 1, 1, 1>(
        new ComputeResidual(residuals[j]));
    problem.AddResidualBlock(cost, loss, &p.base[k], &p.per_byte[k], &p.exponent[k], &p.serial[k],
                             &p.log_ratio[pair], &p.interference[pair], &p.off_base[k],
                             &p.off_per_byte[k]);
    if (!(residuals[j].cpu_time > 0)) continue;
    auto* cpu = new CpuTimeResidual{residuals[j].cpu_time, residuals[j].x, residuals[j].occupancy};
    problem.AddResidualBlock(
        new ceres::AutoDiffCostFunction<CpuTimeResidual, 1, 1, 1, 1, 1, 1>(cpu), loss, &p.base[k],
        &p.per_byte[k], &p.exponent[k], &p.log_ratio[pair], &p.interference[pair]);
  }
}

SolvedFit SolveFit(const FitDesign& design, const MeasuredJobs& measured,
                   const ComputeFitOptions& options) {
  const size_t components = design.count.size();
  const Parameters& prior = design.prior;
  const std::vector<double>& mean_input = design.mean_input;
  SolvedFit solved;
  Parameters& best = solved.best;
  ceres::Solver::Summary& best_summary = solved.summary;
  double& best_cost = solved.cost;
  std::vector<ComputeResidual>& residuals = solved.residuals;

  // The fit, in passes: a job's compute is slowed by the cores the jobs beside it want, which
  // depend on their serial fractions (a single-threaded job under a 2-core limit wants 1 core).
  // The first pass counts the serial fractions of the priors; each next pass those just fitted,
  // until they settle.
  solved.starts = std::max(1, options.starts);
  MeasuredJobs occupied = measured;
  std::vector<double> serial_used = prior.serial;
  std::vector<double> off_base_used = prior.off_base, off_per_byte_used = prior.off_per_byte;
  for (int pass = 0; pass < kOccupancyPasses; ++pass) {
    UpdateCoreSharing(
        occupied,
        [&](const MeasuredJob& job) {
          return sim::CoresWanted(serial_used[job.component], job.record->cpu, job.node_cores);
        },
        [&](const MeasuredJob& job) {
          const size_t k = job.component;
          const double off =
              off_base_used[k] + off_per_byte_used[k] * job.record->input_bytes / mean_input[k];
          return 1 - off / job.record->compute_s();
        });
    residuals.clear();
    best_cost = INFINITY;
    for (const MeasuredJob& job : occupied.jobs) {
      ComputeResidual residual;
      residual.measured = job.record->compute_s();
      residual.x = job.record->input_bytes / mean_input[job.component];
      residual.cpu = job.record->cpu > 0 ? job.record->cpu : 1;
      if (job.record->cpu_time_s > 0) residual.cpu_time = job.record->cpu_time_s;
      for (const OccupancyPiece& piece : job.occupancy) {
        if (piece.others > 0 || piece.oversubscription > 1) {
          residual.occupancy = job.occupancy;
          break;
        }
      }
      residuals.push_back(residual);
    }

    // Several starts; keep the lowest cost.
    for (int start = 0; start < solved.starts; ++start) {
      Parameters p = StartingPoint(design, measured, residuals, start);
      ceres::Problem problem;
      AddComputeResiduals(measured, residuals, options.huber_scale, p, problem);
      BoundParameters(design, p, problem);
      ceres::Solver::Options solver;
      solver.linear_solver_type = ceres::DENSE_QR;
      solver.max_num_iterations = options.max_iterations;
      solver.num_threads = 1;
      solver.logging_type = ceres::SILENT;
      ceres::Solver::Summary summary;
      ceres::Solve(solver, &problem, &summary);
      if (summary.IsSolutionUsable() && summary.final_cost < best_cost) {
        best_cost = summary.final_cost;
        best = p;
        best_summary = summary;
      }
    }
    if (!std::isfinite(best_cost)) break;
    // Settled when the serial fractions and the off-CPU times (relative to the compute times)
    // moved by less than 1e-4.
    double change = 0;
    for (size_t k = 0; k < components; ++k) {
      change = std::max(change, std::abs(best.serial[k] - serial_used[k]));
      if (design.count[k] == 0) continue;
      const double scale = design.mean_compute[k];
      change = std::max(change, std::abs(best.off_base[k] - off_base_used[k]) / scale);
      change = std::max(change, std::abs(best.off_per_byte[k] - off_per_byte_used[k]) / scale);
    }
    serial_used = best.serial;
    off_base_used = best.off_base;
    off_per_byte_used = best.off_per_byte;
    if (change < 1e-4) break;
  }
  if (!std::isfinite(best_cost)) {
    best = prior;
    best_summary = ceres::Solver::Summary();
  }
  return solved;
}

}  // namespace twinprof::calibrate
