// libsvm's working-set selection four variables at a time with AVX2 (svr_selection.h).
#include "model/regressors/svr_selection.h"

#if TWINPROF_SVR_AVX2_SELECTION
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace twinprof::model::regressors {

namespace {

// libsvm's select_working_set (WSS 3) on blocks of 8 variables as two independent sets of 4
// lanes, the rest one by one: the same double operations on the same values, libsvm's tie rules
// (svr_solver.h).
class Avx2Selection : private SolverView {
 public:
  explicit Avx2Selection(const SolverView& solver) : SolverView(solver) {}

  __attribute__((target("avx2"))) int SelectWorkingSet(int& out_i, int& out_j) {
    const double inf = HUGE_VAL;
    const int n = active_size;
    // Blocks of 8 as two independent sets of 4 lanes (no dependency from one block to the next
    // through a single set); the rest one by one, after them in order.
    const int vector_end = n - n % 8;

    // i: the last index of the maximum of -y_t G_t over I_up.
    Lanes up[2] = {{_mm256_set1_pd(-inf), _mm256_set1_pd(-1.0)},
                   {_mm256_set1_pd(-inf), _mm256_set1_pd(-1.0)}};
    for (int t = 0; t < vector_end; t += 8) {
      UpStep(t, up[0]);
      UpStep(t + 4, up[1]);
    }
    int gmax_idx = ReduceIndex(up, /*largest=*/true);
    double gmax = gmax_idx >= 0 ? -(y[gmax_idx] * G[gmax_idx]) : -inf;
    UpPassFrom(vector_end, gmax, gmax_idx);

    // j: the last index of the minimum of obj_diff over I_low where grad_diff > 0; and the
    // maximum of y_j G_j over I_low, for the stopping test.
    const int i = gmax_idx;
    const Qfloat* q_i = i != -1 ? Q->get_Q(i, active_size) : nullptr;
    double gmax2 = -inf;
    int gmin_idx = -1;
    double obj_diff_min = inf;
    int scalar_from = 0;
    if (i != -1) {
      const __m256d g_max = _mm256_set1_pd(gmax), qd_i = _mm256_set1_pd(QD[i]);
      const __m256d two_y_i = _mm256_set1_pd(2.0 * y[i]);
      Lanes low[2] = {{_mm256_set1_pd(inf), _mm256_set1_pd(-1.0)},
                      {_mm256_set1_pd(inf), _mm256_set1_pd(-1.0)}};
      __m256d g_max2[2] = {_mm256_set1_pd(-inf), _mm256_set1_pd(-inf)};
      for (int t = 0; t < vector_end; t += 8) {
        LowStep(t, q_i, g_max, qd_i, two_y_i, low[0], g_max2[0]);
        LowStep(t + 4, q_i, g_max, qd_i, two_y_i, low[1], g_max2[1]);
      }
      gmin_idx = ReduceIndex(low, /*largest=*/false);
      if (gmin_idx >= 0) obj_diff_min = ObjDiff(i, q_i, gmin_idx, gmax);
      alignas(32) double lanes[8];
      _mm256_store_pd(lanes, g_max2[0]);
      _mm256_store_pd(lanes + 4, g_max2[1]);
      for (double v : lanes) gmax2 = std::max(gmax2, v);
      scalar_from = vector_end;
    }
    LowPassFrom(scalar_from, i, q_i, gmax, gmax2, gmin_idx, obj_diff_min);
    return Answer(gmax, gmax2, gmax_idx, gmin_idx, out_i, out_j);
  }

 private:
  // Per lane of 4: the extreme value seen so far and the last index that had it.
  struct Lanes {
    __m256d value, index;
  };

  // Masks of the 4 variables from t: y_t = +1, and t in I_up (y = +1 below C, y = -1 above 0)
  // or I_low (y = +1 above 0, y = -1 below C).
  __attribute__((target("avx2"), always_inline)) inline __m256d InSet(int t, __m256d yt,
                                                                      bool up) const {
    const __m256d status = LoadBytes(alpha_status + t);
    const __m256d positive = _mm256_cmp_pd(yt, _mm256_set1_pd(1.0), _CMP_EQ_OQ);
    const __m256d lower = _mm256_set1_pd(kLowerBound), upper = _mm256_set1_pd(kUpperBound);
    const __m256d not_upper = _mm256_cmp_pd(status, upper, _CMP_NEQ_UQ);
    const __m256d not_lower = _mm256_cmp_pd(status, lower, _CMP_NEQ_UQ);
    return up ? _mm256_blendv_pd(not_lower, not_upper, positive)
              : _mm256_blendv_pd(not_upper, not_lower, positive);
  }

  // The first pass over the 4 variables from t: -y_t G_t over I_up, the last maximum.
  __attribute__((target("avx2"), always_inline)) inline void UpStep(int t, Lanes& best) const {
    const __m256d yt = LoadBytes(y + t);
    const __m256d v =
        _mm256_xor_pd(_mm256_mul_pd(yt, _mm256_loadu_pd(G + t)), _mm256_set1_pd(-0.0));
    const __m256d take =
        _mm256_and_pd(InSet(t, yt, true), _mm256_cmp_pd(v, best.value, _CMP_GE_OQ));
    const __m256d index = _mm256_add_pd(_mm256_set1_pd(t), _mm256_setr_pd(0.0, 1.0, 2.0, 3.0));
    best.value = _mm256_blendv_pd(best.value, v, take);
    best.index = _mm256_blendv_pd(best.index, index, take);
  }

  // The second pass over the 4 variables from t (i's column q_i, gmax = -y_i G_i, qd_i = QD_i,
  // two_y_i = 2 y_i): y_t G_t over I_low, its maximum; obj_diff where grad_diff > 0, the last
  // minimum.
  __attribute__((target("avx2"), always_inline)) inline void LowStep(int t, const Qfloat* q_i,
                                                                     __m256d gmax, __m256d qd_i,
                                                                     __m256d two_y_i, Lanes& best,
                                                                     __m256d& gmax2) const {
    const __m256d yt = LoadBytes(y + t);
    const __m256d in_low = InSet(t, yt, false);
    const __m256d s = _mm256_mul_pd(yt, _mm256_loadu_pd(G + t));
    gmax2 = _mm256_blendv_pd(gmax2, s, _mm256_and_pd(in_low, _mm256_cmp_pd(s, gmax2, _CMP_GE_OQ)));
    const __m256d grad_diff = _mm256_add_pd(gmax, s);
    const __m256d zero = _mm256_setzero_pd();
    const __m256d candidate = _mm256_and_pd(in_low, _mm256_cmp_pd(grad_diff, zero, _CMP_GT_OQ));
    if (_mm256_movemask_pd(candidate) == 0) return;
    const __m256d q = _mm256_cvtps_pd(_mm_loadu_ps(q_i + t));
    // (QD_i + QD_j) - y_j (2 y_i Q_ij): libsvm's expression for either sign of y_j.
    const __m256d quad = _mm256_sub_pd(_mm256_add_pd(qd_i, _mm256_loadu_pd(QD + t)),
                                       _mm256_mul_pd(yt, _mm256_mul_pd(two_y_i, q)));
    const __m256d divisor =
        _mm256_blendv_pd(_mm256_set1_pd(kTau), quad, _mm256_cmp_pd(quad, zero, _CMP_GT_OQ));
    const __m256d obj = _mm256_div_pd(
        _mm256_xor_pd(_mm256_mul_pd(grad_diff, grad_diff), _mm256_set1_pd(-0.0)), divisor);
    const __m256d take = _mm256_and_pd(candidate, _mm256_cmp_pd(obj, best.value, _CMP_LE_OQ));
    const __m256d index = _mm256_add_pd(_mm256_set1_pd(t), _mm256_setr_pd(0.0, 1.0, 2.0, 3.0));
    best.value = _mm256_blendv_pd(best.value, obj, take);
    best.index = _mm256_blendv_pd(best.index, index, take);
  }

  // 4 signed bytes from p (y or alpha_status of 4 variables) as doubles.
  __attribute__((target("avx2"), always_inline)) static inline __m256d LoadBytes(const void* p) {
    int32_t four;
    std::memcpy(&four, p, sizeof four);
    return _mm256_cvtepi32_pd(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(four)));
  }

  // The index a sequential scan keeps from per-lane bests: among the lanes whose value is the
  // extreme one (largest or smallest), the largest index; -1 when no lane has one.
  __attribute__((target("avx2"))) static int ReduceIndex(const Lanes (&sets)[2], bool largest) {
    alignas(32) double v[8], k[8];
    for (int h = 0; h < 2; ++h) {
      _mm256_store_pd(v + 4 * h, sets[h].value);
      _mm256_store_pd(k + 4 * h, sets[h].index);
    }
    int best = -1;
    double best_value = 0.0;
    for (int lane = 0; lane < 8; ++lane) {
      if (k[lane] < 0) continue;
      const int idx = static_cast<int>(k[lane]);
      if (best < 0 || (largest ? v[lane] > best_value : v[lane] < best_value) ||
          (v[lane] == best_value && idx > best)) {
        best = idx;
        best_value = v[lane];
      }
    }
    return best;
  }
};

}  // namespace

int SelectWorkingSetAvx2(const SolverView& solver, int& out_i, int& out_j) {
  return Avx2Selection(solver).SelectWorkingSet(out_i, out_j);
}

}  // namespace twinprof::model::regressors

#endif  // TWINPROF_SVR_AVX2_SELECTION
