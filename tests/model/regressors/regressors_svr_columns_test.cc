// The column cache of the SVR solver (svr_columns.h): every column it hands out is what a fresh
// computation in the current order gives, through any sequence of requests, swaps and evictions.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "model/regressors/svr_columns.h"

namespace twinprof::test {
namespace {

using model::regressors::ColumnCacheStats;
using model::regressors::KernelTable;
using model::regressors::SvrColumns;

// A symmetric table of distinct values: an entry in the wrong place shows.
KernelTable Table(int rows, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<float> value(0.0f, 1.0f);
  KernelTable k;
  k.rows = rows;
  k.values.resize(static_cast<size_t>(rows * rows));
  k.diagonal.resize(static_cast<size_t>(rows));
  for (int a = 0; a < rows; ++a) {
    for (int b = a; b < rows; ++b) {
      const float v = value(random);
      k.values[static_cast<size_t>(a * rows + b)] = v;
      k.values[static_cast<size_t>(b * rows + a)] = v;
    }
    k.diagonal[static_cast<size_t>(a)] = k.values[static_cast<size_t>(a * rows + a)];
  }
  return k;
}

// The order the solver sees, kept by the test: variable s is row index[s] with sign[s].
struct Order {
  std::vector<int> index;
  std::vector<float> sign;
  explicit Order(int rows) {
    for (int s = 0; s < 2 * rows; ++s) {
      index.push_back(s % rows);
      sign.push_back(s < rows ? 1.0f : -1.0f);
    }
  }
  float Q(const KernelTable& k, int s, int t) const {
    const size_t rows = static_cast<size_t>(k.rows);
    return sign[static_cast<size_t>(s)] * sign[static_cast<size_t>(t)] *
           k.values[static_cast<size_t>(index[static_cast<size_t>(s)]) * rows +
                    static_cast<size_t>(index[static_cast<size_t>(t)])];
  }
};

// Entries [0, len) of column `s` as handed out against a fresh computation; the first wrong one.
std::string Mismatch(const KernelTable& k, const Order& order, int s, const float* column,
                     int len) {
  for (int t = 0; t < len; ++t) {
    if (column[t] != order.Q(k, s, t)) {
      return "column " + std::to_string(s) + " entry " + std::to_string(t);
    }
  }
  return "";
}

// Random requests (any length), swaps (random pairs, and runs like shrinking's: a variable with
// the last active one, the active size going down, then back up to all) with room for 0 (no
// cache), 2, 3, 7 and all 18 columns. The cache's log of swaps starts again every 1024 swaps, so
// that path runs too.
TEST(SvrColumnsTest, EveryColumnIsAFreshComputationInTheCurrentOrder) {
  const int rows = 9, n = 2 * rows;
  const KernelTable k = Table(rows, 7);
  for (int slots : {0, 2, 3, 7, n}) {
    SCOPED_TRACE(std::to_string(slots) + " slots");
    SvrColumns columns(k, slots);
    Order order(rows);
    std::mt19937_64 random(static_cast<uint64_t>(slots) + 11);
    auto uniform = [&](int below) {
      return static_cast<int>(std::uniform_int_distribution<int>(0, below - 1)(random));
    };
    int active = n;
    // The column handed out before the last one, still valid until the next request or swap.
    const float* previous = nullptr;
    int previous_s = -1, previous_len = 0;
    const float* last = nullptr;
    int last_s = -1, last_len = 0;
    for (int step = 0; step < 30000; ++step) {
      const int what = uniform(10);
      if (what < 5) {
        const int s = uniform(n);
        const int len = what == 0 ? n : what == 1 ? active : uniform(n + 1);
        previous = last;
        previous_s = last_s;
        previous_len = last_len;
        last = columns.Column(s, len);
        last_s = s;
        last_len = len;
        ASSERT_EQ(Mismatch(k, order, s, last, len), "") << "step " << step;
        if (previous != nullptr) {
          ASSERT_EQ(Mismatch(k, order, previous_s, previous, previous_len), "")
              << "step " << step << ": the column before the last";
        }
      } else {
        int i, j;
        if (what < 8 && active > 1) {  // shrinking: a variable with the last active one
          --active;
          i = uniform(active);
          j = active;
        } else {
          i = uniform(n);
          j = uniform(n);
          if (what == 9) active = n;  // unshrinking
        }
        columns.Swap(i, j);
        std::swap(order.index[static_cast<size_t>(i)], order.index[static_cast<size_t>(j)]);
        std::swap(order.sign[static_cast<size_t>(i)], order.sign[static_cast<size_t>(j)]);
        previous = last = nullptr;
        for (int t = 0; t < n; ++t) {
          ASSERT_EQ(columns.diagonal()[t],
                    k.diagonal[static_cast<size_t>(order.index[static_cast<size_t>(t)])]);
        }
      }
    }
    const ColumnCacheStats& stats = columns.stats();
    if (slots == 0) continue;
    // Every path of the cache ran.
    EXPECT_GT(stats.hits, 500);
    EXPECT_GT(stats.extensions, 100);
    EXPECT_GT(stats.truncations, 100);
    EXPECT_GT(stats.swaps, 3000);
    if (slots < n) {
      EXPECT_GT(stats.evictions, 100);
    } else {
      EXPECT_EQ(stats.evictions, 0);
    }
  }
}

}  // namespace
}  // namespace twinprof::test
