#include "explore/search.h"

#include <algorithm>
#include <map>
#include <set>

#include "explore/pareto_front.h"

namespace twinprof::explore {

namespace {

// SplitMix64: a small generator whose sequence is the same on every platform and library
// (std::uniform_int_distribution's is not).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), without modulo bias.
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x = Next();
    while (x >= limit) x = Next();
    return x % n;
  }

 private:
  uint64_t state_;
};

class LocalSearcher {
 public:
  LocalSearcher(const std::vector<uint64_t>& sizes, const std::vector<bool>& ordered,
                const SearchOptions& options, const EvaluateRound& evaluate)
      : sizes_(sizes),
        ordered_(ordered),
        options_(options),
        evaluate_(evaluate),
        random_(options.seed) {
    space_ = 1;
    for (uint64_t size : sizes_) space_ *= size;
    initial_ = options.initial > 0 ? options.initial : std::max<uint64_t>(1, options.budget / 4);
    restart_ = options.restart > 0 ? options.restart : std::max<uint64_t>(1, initial_ / 4);
  }

  SearchTrace Run() {
    Evaluate(Sample(initial_));
    int idle_restarts = 0;
    while (true) {
      if (trace_.simulated >= options_.budget) {
        trace_.stopped = "budget spent";
        break;
      }
      if (scores_.size() >= space_) {
        trace_.stopped = "space exhausted";
        break;
      }
      std::vector<uint64_t> round = Neighbours(Elites());
      if (round.empty()) round = Neighbours(FrontPoints());
      if (round.empty()) {
        if (idle_restarts >= options_.max_idle_restarts) {
          trace_.stopped = "no improvement after " + std::to_string(idle_restarts) + " restarts";
          break;
        }
        ++idle_restarts;
        ++trace_.restarts;
        round = Sample(restart_);
      }
      round.resize(std::min<uint64_t>(round.size(), options_.budget - trace_.simulated));
      std::string before = State();
      Evaluate(round);
      if (State() != before) idle_restarts = 0;
    }
    return trace_;
  }

 private:
  std::vector<uint64_t> Decode(uint64_t number) const {
    std::vector<uint64_t> choices(sizes_.size());
    for (size_t i = sizes_.size(); i-- > 0;) {
      choices[i] = number % sizes_[i];
      number /= sizes_[i];
    }
    return choices;
  }
  uint64_t Encode(const std::vector<uint64_t>& choices) const {
    uint64_t number = 0;
    for (size_t i = 0; i < sizes_.size(); ++i) number = number * sizes_[i] + choices[i];
    return number;
  }

  // `count` distinct configurations not evaluated yet, uniformly at random.
  std::vector<uint64_t> Sample(uint64_t count) {
    std::vector<uint64_t> picked;
    const uint64_t unseen = space_ - scores_.size();
    count = std::min(count, unseen);
    if (count * 2 >= unseen) {
      // Most of what is left: shuffle the list of the unseen (it is small) and take a prefix.
      std::vector<uint64_t> rest;
      for (uint64_t n = 0; n < space_; ++n) {
        if (scores_.count(n) == 0) rest.push_back(n);
      }
      for (uint64_t i = 0; i < count; ++i) {
        std::swap(rest[i], rest[i + random_.Below(rest.size() - i)]);
        picked.push_back(rest[i]);
      }
      return picked;
    }
    std::set<uint64_t> chosen;
    while (picked.size() < count) {
      uint64_t n = random_.Below(space_);
      if (scores_.count(n) != 0 || !chosen.insert(n).second) continue;
      picked.push_back(n);
    }
    return picked;
  }

  void Evaluate(const std::vector<uint64_t>& numbers) {
    if (numbers.empty()) return;
    std::vector<Score> scores = evaluate_(numbers, trace_.rounds);
    for (size_t i = 0; i < numbers.size(); ++i) {
      scores_[numbers[i]] = scores.at(i);
      trace_.evaluated.push_back({numbers[i], trace_.rounds});
      if (scores[i].simulated) ++trace_.simulated;
    }
    ++trace_.rounds;
  }

  // The best-ranked simulated candidates.
  std::vector<uint64_t> Elites() const {
    std::vector<std::pair<const Score*, uint64_t>> ranked;
    for (const auto& [number, score] : scores_) {
      if (score.simulated) ranked.push_back({&score, number});
    }
    size_t keep = std::min(options_.elites, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep),
                      ranked.end(), [](const auto& a, const auto& b) {
                        return RanksBefore(*a.first, a.second, *b.first, b.second);
                      });
    std::vector<uint64_t> elites;
    for (size_t i = 0; i < keep; ++i) elites.push_back(ranked[i].second);
    return elites;
  }

  // Every point of every objective's Pareto front, each once, fronts in order.
  std::vector<uint64_t> FrontPoints() const {
    std::vector<std::pair<uint64_t, const Score*>> all;
    for (const auto& [number, score] : scores_) all.emplace_back(number, &score);
    std::vector<uint64_t> points;
    std::set<uint64_t> seen;
    size_t objectives = scores_.empty() ? 0 : scores_.begin()->second.times.size();
    for (size_t k = 0; k < objectives; ++k) {
      for (uint64_t number : ParetoFront(all, k)) {
        if (seen.insert(number).second) points.push_back(number);
      }
    }
    return points;
  }

  // The unevaluated configurations one step from any of `centres`, in order.
  std::vector<uint64_t> Neighbours(const std::vector<uint64_t>& centres) const {
    std::vector<uint64_t> found;
    std::set<uint64_t> taken;
    auto add = [&](const std::vector<uint64_t>& choices) {
      uint64_t number = Encode(choices);
      if (scores_.count(number) == 0 && taken.insert(number).second) found.push_back(number);
    };
    for (uint64_t centre : centres) {
      std::vector<uint64_t> choices = Decode(centre);
      for (size_t axis = 0; axis < sizes_.size(); ++axis) {
        const uint64_t value = choices[axis];
        if (ordered_[axis]) {
          if (value > 0) choices[axis] = value - 1, add(choices);
          if (value + 1 < sizes_[axis]) choices[axis] = value + 1, add(choices);
        } else {
          for (uint64_t other = 0; other < sizes_[axis]; ++other) {
            if (other != value) choices[axis] = other, add(choices);
          }
        }
        choices[axis] = value;
      }
    }
    return found;
  }

  // What counts as progress: the best candidates and the fronts.
  std::string State() const {
    std::string state;
    for (uint64_t number : Elites()) state += std::to_string(number) + ",";
    state += "|";
    for (uint64_t number : FrontPoints()) state += std::to_string(number) + ",";
    return state;
  }

  const std::vector<uint64_t>& sizes_;
  const std::vector<bool>& ordered_;
  const SearchOptions& options_;
  const EvaluateRound& evaluate_;
  Random random_;
  uint64_t space_ = 1;
  uint64_t initial_ = 1;
  uint64_t restart_ = 1;
  std::map<uint64_t, Score> scores_;
  SearchTrace trace_;
};

}  // namespace

SearchTrace LocalSearch(const std::vector<uint64_t>& sizes, const std::vector<bool>& ordered,
                        const SearchOptions& options, const EvaluateRound& evaluate) {
  return LocalSearcher(sizes, ordered, options, evaluate).Run();
}

}  // namespace twinprof::explore
