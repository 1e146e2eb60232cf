// libsvm's working-set selection eight variables at a time with AVX-512 (svr_selection.h).
#include "model/regressors/svr_selection.h"

#if TWINPROF_SVR_AVX2_SELECTION
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace twinprof::model::regressors {

namespace {

// The AVX-512 selection: the same two passes as the AVX2 one (svr_selection_avx2.cc) over blocks
// of 8 variables, two independent blocks at a time, with set membership as masks. Its second pass
// divides only in blocks where some variable may reach the smallest obj_diff b < 0 found so far
// (in any lane): a variable is chosen only if its obj_diff is the final minimum, which is <= b, so
// only if fl(-(g / q)) <= b (g = grad_diff^2, q = the divisor > 0). And g < fl(B' q), with B' =
// fl(-b (1 - 2^-20)) < -b, implies g < B' q (a double below the rounding of a real number is
// below the number), so g / q < B' and fl(g / q) <= B' < -b: that variable's obj_diff is above
// b, it cannot be chosen, and skipping it changes no lane holding the final minimum (libsvm
// compares the same obj_diff values with <=; variables equal to the minimum are never skipped).
// The filter skips a block only when that holds for all its candidates; where B' does not round
// below -b (b = 0, b subnormal, nothing found yet) it uses 0 and skips nothing. It tests g
// against B' quad_coef rather than B' q: the same where quad_coef > 0 (q = quad_coef), and where
// quad_coef <= 0 (q = TAU) or NaN, B' quad_coef is <= 0 or NaN, which no g >= 0 is below, so
// the block is divided (q is computed only there).
//
// Its arithmetic is libsvm's, in fewer vector operations: quad_coef as one fused
// (QD_i + QD_j) - (y_j 2 y_i) Q_ij, exact as libsvm's two roundings since y_j 2 y_i = +-2 makes
// the product exact; and the maximum of y G over I_low with vmaxpd, which keeps the maximum
// (only a zero's sign may differ from libsvm's Gmax2, which it only adds to Gmax to compare
// with eps: the same outcome).
class Avx512Selection : private SolverView {
 public:
  Avx512Selection(const SolverView& solver, SelectionStats& stats)
      : SolverView(solver), stats_(stats) {}

  __attribute__((target("avx512f,avx512bw,avx512vl"))) int SelectWorkingSet512(int& out_i,
                                                                               int& out_j) {
    const double inf = HUGE_VAL;
    const int n = active_size;
    const int vector_end = n - n % (2 * kBlock);
    const __m256i first_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i step = _mm256_set1_epi32(2 * kBlock);
    const __m256i none = _mm256_set1_epi32(-1);

    // i: the last index of the maximum of -y_t G_t over I_up.
    const Lanes8 up_start{_mm512_set1_pd(-inf), none, {}};
    Lanes8 up[2] = {up_start, up_start};
    __m256i index = first_index;
    for (int t = 0; t < vector_end; t += 2 * kBlock) {
      Sets first, second;
      SetsAt(t, first, second);
      UpStep512(t, first, index, up[0]);
      UpStep512(t + kBlock, second, _mm256_add_epi32(index, _mm256_set1_epi32(kBlock)), up[1]);
      index = _mm256_add_epi32(index, step);
    }
    int gmax_idx = LastExtreme(up, /*largest=*/true);
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
      const __m512d g_max = _mm512_set1_pd(gmax), qd_i = _mm512_set1_pd(QD[i]);
      const __m512d two_y_i = _mm512_set1_pd(2.0 * y[i]);
      const __m512d zero = _mm512_setzero_pd();
      const Lanes8 low_start{_mm512_set1_pd(inf), none, _mm512_set1_pd(-inf)};
      Lanes8 low[2] = {low_start, low_start};
      Filter filter{inf, zero};
      long divided = 0;
      index = first_index;
      for (int t = 0; t < vector_end; t += 2 * kBlock) {
        Sets first, second;
        SetsAt(t, first, second);
        LowStep512(t, first, index, q_i, g_max, qd_i, two_y_i, low[0], filter, divided);
        LowStep512(t + kBlock, second, _mm256_add_epi32(index, _mm256_set1_epi32(kBlock)), q_i,
                   g_max, qd_i, two_y_i, low[1], filter, divided);
        index = _mm256_add_epi32(index, step);
      }
      stats_.blocks += vector_end / kBlock;
      stats_.divided_blocks += divided;
      gmin_idx = LastExtreme(low, /*largest=*/false);
      if (gmin_idx >= 0) obj_diff_min = ObjDiff(i, q_i, gmin_idx, gmax);
      alignas(64) double lanes[2 * kBlock];
      _mm512_store_pd(lanes, low[0].gmax2);
      _mm512_store_pd(lanes + kBlock, low[1].gmax2);
      for (double v : lanes) gmax2 = std::max(gmax2, v);
      scalar_from = vector_end;
    }
    LowPassFrom(scalar_from, i, q_i, gmax, gmax2, gmin_idx, obj_diff_min);
    return Answer(gmax, gmax2, gmax_idx, gmin_idx, out_i, out_j);
  }

 private:
  static constexpr int kBlock = 8;
  static constexpr double kFilterMargin = 1.0 - 0x1p-20;

  // Per variable of a block (bit k: the block's variable k): y = +1, in I_up, in I_low.
  struct Sets {
    __mmask8 positive, up, low;
  };

  // Per lane of 8: the best value so far, the last index that had it and, for the second pass,
  // the maximum of y G over I_low.
  struct Lanes8 {
    __m512d value;
    __m256i index;
    __m512d gmax2;
  };

  // The second pass's filter: the smallest obj_diff so far (b) and B' in every lane.
  struct Filter {
    double best;
    __m512d bound;
  };

  // The sets of the two blocks from t (16 variables), from one comparison of their 16 bytes of y
  // and of alpha_status, the set logic on integers (off the vector units, the loop's bottleneck).
  __attribute__((target("avx512f,avx512bw,avx512vl"), always_inline)) inline void SetsAt(
      int t, Sets& first, Sets& second) const {
    const __m128i yt = _mm_loadu_si128(reinterpret_cast<const __m128i*>(y + t));
    const __m128i st = _mm_loadu_si128(reinterpret_cast<const __m128i*>(alpha_status + t));
    const unsigned positive = _cvtmask16_u32(_mm_cmpeq_epi8_mask(yt, _mm_set1_epi8(1)));
    const unsigned not_upper = _cvtmask16_u32(_mm_cmpneq_epi8_mask(st, _mm_set1_epi8(kUpperBound)));
    const unsigned not_lower = _cvtmask16_u32(_mm_cmpneq_epi8_mask(st, _mm_set1_epi8(kLowerBound)));
    const unsigned negative = ~positive;
    const unsigned up = (positive & not_upper) | (negative & not_lower);
    const unsigned low = (positive & not_lower) | (negative & not_upper);
    first = {static_cast<__mmask8>(positive), static_cast<__mmask8>(up),
             static_cast<__mmask8>(low)};
    second = {static_cast<__mmask8>(positive >> kBlock), static_cast<__mmask8>(up >> kBlock),
              static_cast<__mmask8>(low >> kBlock)};
  }

  // v with its sign flipped in the lanes of `mask` (libsvm's -G[t], or y_t x for y_t = -1).
  __attribute__((target("avx512f"), always_inline)) static inline __m512d Negate(__m512d v,
                                                                                 __mmask8 mask) {
    const __m512i bits = _mm512_castpd_si512(v);
    return _mm512_castsi512_pd(
        _mm512_mask_xor_epi64(bits, mask, bits, _mm512_set1_epi64(INT64_MIN)));
  }

  // The first pass over the block from t (lane indices `index`): -y_t G_t over I_up, the last
  // maximum.
  __attribute__((target("avx512f,avx512bw,avx512vl"), always_inline)) inline void UpStep512(
      int t, const Sets& sets, __m256i index, Lanes8& best) const {
    const __m512d v = Negate(_mm512_loadu_pd(G + t), sets.positive);
    const __mmask8 take = _mm512_mask_cmp_pd_mask(sets.up, v, best.value, _CMP_GE_OQ);
    best.value = _mm512_mask_mov_pd(best.value, take, v);
    best.index = _mm256_mask_mov_epi32(best.index, take, index);
  }

  // The second pass over the block from t (i's column q_i, gmax = -y_i G_i, qd_i = QD_i,
  // two_y_i = 2 y_i): y_t G_t over I_low, its maximum; obj_diff where grad_diff > 0, the last
  // minimum, computed only where the filter allows.
  __attribute__((target("avx512f,avx512bw,avx512vl"), always_inline)) inline void LowStep512(
      int t, const Sets& sets, __m256i index, const Qfloat* q_i, __m512d gmax, __m512d qd_i,
      __m512d two_y_i, Lanes8& best, Filter& filter, long& divided) const {
    const __mmask8 negative = static_cast<__mmask8>(~sets.positive);
    const __m512d s = Negate(_mm512_loadu_pd(G + t), negative);
    // (vmaxpd returns its second operand, best.gmax2, when s is NaN, as libsvm's s >= Gmax2.)
    best.gmax2 = _mm512_mask_max_pd(best.gmax2, sets.low, s, best.gmax2);
    const __m512d grad_diff = _mm512_add_pd(gmax, s);
    const __m512d zero = _mm512_setzero_pd();
    const __mmask8 candidate = _mm512_mask_cmp_pd_mask(sets.low, grad_diff, zero, _CMP_GT_OQ);
    // (maskz: _mm512_cvtps_pd trips GCC 12's -Wmaybe-uninitialized on its undefined source.)
    const __m512d q = _mm512_maskz_cvtps_pd(0xff, _mm256_loadu_ps(q_i + t));
    // (QD_i + QD_j) - y_j (2 y_i Q_ij): libsvm's expression for either sign of y_j, fused.
    const __m512d factor = Negate(two_y_i, negative);  // y_j 2 y_i
    const __m512d quad = _mm512_fnmadd_pd(factor, q, _mm512_add_pd(qd_i, _mm512_loadu_pd(QD + t)));
    const __m512d square = _mm512_mul_pd(grad_diff, grad_diff);
    // Not (square < B' quad): unordered values are kept too.
    const __mmask8 may =
        _mm512_mask_cmp_pd_mask(candidate, square, _mm512_mul_pd(filter.bound, quad), _CMP_NLT_UQ);
    if (may == 0) return;
    ++divided;
    const __m512d divisor =
        _mm512_mask_mov_pd(_mm512_set1_pd(kTau), _mm512_cmp_pd_mask(quad, zero, _CMP_GT_OQ), quad);
    const __m512d obj = _mm512_div_pd(Negate(square, 0xff), divisor);
    const __mmask8 take = _mm512_mask_cmp_pd_mask(may, obj, best.value, _CMP_LE_OQ);
    best.value = _mm512_mask_mov_pd(best.value, take, obj);
    best.index = _mm256_mask_mov_epi32(best.index, take, index);
    alignas(64) double taken[kBlock];
    _mm512_store_pd(taken, _mm512_mask_mov_pd(_mm512_set1_pd(HUGE_VAL), take, obj));
    for (double v : taken) filter.best = std::min(filter.best, v);
    // B' = fl(-b (1 - 2^-20)) where that is below -b, else 0.
    const double bound = -filter.best * kFilterMargin;
    filter.bound = _mm512_set1_pd(bound < -filter.best ? bound : 0.0);
  }

  // The index a sequential scan keeps from per-lane bests (two sets of 8 lanes): among the lanes
  // whose value is the extreme one (largest or smallest), the largest index; -1 when none has one.
  __attribute__((target("avx512f,avx512vl"))) static int LastExtreme(const Lanes8 (&sets)[2],
                                                                     bool largest) {
    alignas(64) double v[2 * kBlock];
    alignas(32) int32_t k[2 * kBlock];
    for (int h = 0; h < 2; ++h) {
      _mm512_store_pd(v + kBlock * h, sets[h].value);
      _mm256_store_si256(reinterpret_cast<__m256i*>(k + kBlock * h), sets[h].index);
    }
    int best = -1;
    double best_value = 0.0;
    for (int lane = 0; lane < 2 * kBlock; ++lane) {
      if (k[lane] < 0) continue;
      const int idx = k[lane];
      if (best < 0 || (largest ? v[lane] > best_value : v[lane] < best_value) ||
          (v[lane] == best_value && idx > best)) {
        best = idx;
        best_value = v[lane];
      }
    }
    return best;
  }

  SelectionStats& stats_;
};

}  // namespace

int SelectWorkingSetAvx512(const SolverView& solver, int& out_i, int& out_j,
                           SelectionStats& stats) {
  return Avx512Selection(solver, stats).SelectWorkingSet512(out_i, out_j);
}

}  // namespace twinprof::model::regressors

#endif  // TWINPROF_SVR_AVX2_SELECTION
