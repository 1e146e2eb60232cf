#include "explore/explore.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <numeric>

#include "explore/configuration.h"
#include "explore/outputs.h"
#include "explore/progress.h"
#include "explore/search.h"
#include "sim/process_pool.h"

namespace twinprof::explore {

namespace {

namespace fs = std::filesystem;

// The budget when neither the space nor the command line gives one: a fifth of the space, at most
// 2000 simulations, at least 50 (or the whole space when smaller).
uint64_t DefaultBudget(uint64_t configurations) {
  uint64_t budget = std::min<uint64_t>((configurations + 4) / 5, 2000);
  return std::max(budget, std::min<uint64_t>(configurations, 50));
}

// Evaluates candidates of one workload: each simulated in its own process, `parallel` at a time.
class Evaluator {
 public:
  Evaluator(const Space& space, const sim::Scenario& base, int parallel, ExploreProgress& progress)
      : space_(space), base_(base), parallel_(parallel), progress_(progress) {}

  // The candidates `numbers`, in that order.
  std::vector<Candidate> Evaluate(const std::vector<uint64_t>& numbers, int round) {
    std::vector<Candidate> candidates(numbers.size());
    sim::RunInChildProcesses(
        numbers.size(), parallel_,
        [&](size_t i) {
          sim::Scenario scenario = ApplyConfiguration(space_, base_, Decode(space_, numbers[i]));
          return SimulateCandidate(scenario).ToJson();
        },
        [&](size_t i, sim::ChildOutcome outcome) {
          Candidate& candidate = candidates[i];
          candidate.number = numbers[i];
          candidate.round = round;
          candidate.configuration = ConfigurationValues(space_, Decode(space_, numbers[i]));
          if (outcome.ok) {
            candidate.result = CandidateResult::FromJson(outcome.output);
          } else {
            candidate.result.status = CandidateResult::Status::kFailed;
            candidate.result.error = outcome.failure;
          }
          candidate.verdict = Judge(space_, base_, candidate.result);
          candidate.score = ScoreOf(space_, base_, candidate.result, candidate.verdict);
          if (candidate.score.feasible &&
              (!best_cost_ || std::make_pair(candidate.score.cost, candidate.number) <
                                  std::make_pair(*best_cost_, best_number_))) {
            best_cost_ = candidate.score.cost;
            best_number_ = candidate.number;
          }
          progress_.Finished(candidate.score.feasible, best_cost_, best_number_);
        });
    return candidates;
  }

 private:
  const Space& space_;
  const sim::Scenario& base_;
  int parallel_;
  ExploreProgress& progress_;
  std::optional<double> best_cost_;
  uint64_t best_number_ = 0;
};

}  // namespace

ExploreSummary RunExplore(const ExploreOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (options.parallel < 1) throw InputError("-j must be at least 1");
  if (options.budget && *options.budget < 1) throw InputError("--budget must be at least 1");
  std::vector<sim::Scenario> bases;
  Space space = LoadSpace(options.space_path, &bases, options.base_overrides);
  if (options.seed) space.search.seed = *options.seed;
  if (options.budget) space.search.budget = *options.budget;
  if (options.method) space.search.method = *options.method;

  const fs::path output(options.output_dir);
  std::error_code error;
  fs::create_directories(output, error);
  if (error) throw InputError("cannot create output folder " + output.string());

  ExploreSummary summary;
  summary.space = space.name;
  summary.scenario = bases.front().name;
  summary.output_dir = output.string();
  summary.configurations = space.size();
  summary.budget =
      space.search.budget > 0 ? space.search.budget : DefaultBudget(summary.configurations);
  summary.seed = space.search.seed;
  summary.configuration_columns = ConfigurationColumns(space);
  for (const Objective& objective : space.objectives) {
    summary.objective_columns.push_back(objective.Column());
  }
  for (workflow::ComponentId id : bases.front().workflow.components()) {
    summary.components.push_back(bases.front().workflow.component(id).name);
  }
  for (const platform::Cluster& cluster : bases.front().platform.clusters) {
    summary.clusters.push_back(cluster.name);
  }

  const SearchSettings::Method method = space.search.method;
  const bool search = summary.budget < summary.configurations &&
                      (method == SearchSettings::Method::kLocal ||
                       (method == SearchSettings::Method::kAuto &&
                        summary.configurations > space.search.exhaustive_up_to));
  std::vector<uint64_t> sizes;
  std::vector<bool> ordered;
  for (const Axis& axis : space.axes) {
    sizes.push_back(axis.size());
    ordered.push_back(axis.ordered());
  }

  ExploreProgress progress(options.progress, options.progress_bar);
  for (size_t w = 0; w < bases.size(); ++w) {
    ExploreSummary::Workload workload;
    workload.name = space.workloads.empty() ? "base" : space.workloads[w].name;
    workload.searched = search;
    Evaluator evaluator(space, bases[w], options.parallel, progress);
    progress.Start(workload.name, search ? summary.budget : summary.configurations);
    if (search) {
      SearchOptions search_options;
      search_options.budget = summary.budget;
      search_options.seed = space.search.seed + w;  // each workload its own stream
      SearchTrace trace = LocalSearch(
          sizes, ordered, search_options, [&](const std::vector<uint64_t>& numbers, int round) {
            std::vector<Candidate> evaluated = evaluator.Evaluate(numbers, round);
            std::vector<Score> scores;
            for (Candidate& candidate : evaluated) {
              scores.push_back(candidate.score);
              workload.candidates.push_back(std::move(candidate));
            }
            return scores;
          });
      workload.rounds = trace.rounds;
      workload.restarts = trace.restarts;
      workload.stopped = trace.stopped;
    } else {
      std::vector<uint64_t> numbers(summary.configurations);
      std::iota(numbers.begin(), numbers.end(), 0);
      workload.candidates = evaluator.Evaluate(numbers, 0);
      workload.rounds = 1;
    }
    progress.Done();
    std::sort(workload.candidates.begin(), workload.candidates.end(),
              [](const Candidate& a, const Candidate& b) { return a.number < b.number; });
    for (const Candidate& candidate : workload.candidates) {
      switch (candidate.result.status) {
        case CandidateResult::Status::kSimulated:
          ++workload.simulated;
          break;
        case CandidateResult::Status::kInvalid:
          ++workload.invalid;
          break;
        case CandidateResult::Status::kFailed:
          ++workload.failed;
          break;
      }
      if (candidate.verdict.feasible) ++workload.feasible;
    }
    workload.analysis = Analyse(space, workload.candidates);
    summary.workloads.push_back(std::move(workload));
  }

  WriteOutputs(space, bases, summary);
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return summary;
}

}  // namespace twinprof::explore
