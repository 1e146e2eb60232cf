#include "model/regressors/svr_solver.h"

// The vector selection is x86-64 code (AVX2, chosen at run time); elsewhere (an arm64 board
// building twinprof) SvrSolver is libsvm's Solver as it is.
#if defined(__x86_64__)
#include <immintrin.h>
#define TWINPROF_SVR_AVX2_SELECTION 1
#else
#define TWINPROF_SVR_AVX2_SELECTION 0
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace twinprof::model::regressors {

namespace {

// libsvm's Solver with its working-set selection (WSS 3 of Fan, Chen and Lin 2005, the step that
// is ~70% of a solve once the columns are cached) computed eight variables at a time with AVX-512
// or four at a time with AVX2, giving exactly what libsvm's select_working_set gives: the same
// pair, from the same double operations on the same values (quad_coef = (QD_i + QD_j) - y_j (2 y_i
// Q_ij), obj_diff = -(grad_diff^2) / quad_coef or / TAU, all exact up to the same roundings), with
// libsvm's tie rules (the last index among equal maxima of -y G over I_up, the last among equal
// minima of obj_diff over I_low). libsvm's own runs where the processor has neither, and when
// checking (every selection then runs libsvm's and each vector one, and counts disagreements).
class SvrSolver final : public Solver {
 public:
  explicit SvrSolver(bool check) : check_(check) {}
  const SelectionStats& stats() const { return stats_; }

#if TWINPROF_SVR_AVX2_SELECTION
 protected:
  int select_working_set(int& out_i, int& out_j) override {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    static const bool avx512 = __builtin_cpu_supports("avx512f") &&
                               __builtin_cpu_supports("avx512bw") &&
                               __builtin_cpu_supports("avx512vl");
    if (!check_) {
      if (avx512) return SelectWorkingSet512(out_i, out_j);
      if (avx2) return SelectWorkingSet(out_i, out_j);
      return Solver::select_working_set(out_i, out_j);
    }
    int li = -1, lj = -1;
    const int theirs = Solver::select_working_set(li, lj);
    bool differs = false;
    const auto compare = [&](int ours, int i, int j) {
      differs = differs || ours != theirs || (theirs == 0 && (i != li || j != lj));
    };
    if (avx2) {
      int i = -1, j = -1;
      const int ours = SelectWorkingSet(i, j);
      compare(ours, i, j);
    }
    if (avx512) {
      int i = -1, j = -1;
      const int ours = SelectWorkingSet512(i, j);
      compare(ours, i, j);
    }
    if (differs) ++stats_.disagreements;
    out_i = li;
    out_j = lj;
    return theirs;
  }

 private:
  static constexpr char kLowerBound = 0, kUpperBound = 1;  // libsvm's alpha_status values
  static constexpr double kTau = 1e-12;                    // libsvm's TAU

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

  __attribute__((target("avx2"))) int SelectWorkingSet(int& out_i, int& out_j) {
    const double inf = HUGE_VAL;
    const int n = active_size;
    // Blocks of 8 as two independent sets of 4 lanes (no dependency from one block to the next
    // through a single set); the rest one by one, after them in order.
    const int vector_end = n - n % 8;

    // i: the last index of the maximum of -y_t G_t over I_up.
    Lanes up[2] = {{_mm256_set1_pd(-inf), _mm256_set1_pd(-1.0)},
                   { _mm256_set1_pd(-inf),
                     _mm256_set1_pd(-1.0) }};
    for (int t = 0; t < vector_end; t += 8) {
      UpStep(t, up[0]);
      UpStep(t + 4, up[1]);
    }
    int gmax_idx = ReduceIndex(up, /*largest=*/true);
    double gmax = gmax_idx >= 0 ? -(y[gmax_idx] * G[gmax_idx]) : -inf;
    for (int t = vector_end; t < n; ++t) {
      const bool in_up =
          y[t] == +1 ? alpha_status[t] != kUpperBound : alpha_status[t] != kLowerBound;
      const double v = -(y[t] * G[t]);
      if (in_up && v >= gmax) {
        gmax = v;
        gmax_idx = t;
      }
    }

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
                      { _mm256_set1_pd(inf),
                        _mm256_set1_pd(-1.0) }};
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
    for (int t = scalar_from; t < n; ++t) {
      const bool in_low =
          y[t] == +1 ? alpha_status[t] != kLowerBound : alpha_status[t] != kUpperBound;
      if (!in_low) continue;
      const double s = y[t] * G[t];
      if (s >= gmax2) gmax2 = s;
      if (gmax + s > 0) {
        const double obj = ObjDiff(i, q_i, t, gmax);
        if (obj <= obj_diff_min) {
          gmin_idx = t;
          obj_diff_min = obj;
        }
      }
    }
    if (gmax + gmax2 < eps || gmin_idx == -1) return 1;
    out_i = gmax_idx;
    out_j = gmin_idx;
    return 0;
  }

  // The AVX-512 selection: the same two passes as SelectWorkingSet over blocks of 8 variables, two
  // independent blocks at a time, with set membership as masks. Its second pass divides only in
  // blocks where some variable may reach the smallest obj_diff b < 0 found so far (in any lane):
  // a variable is chosen only if its obj_diff is the final minimum, which is <= b, so only if
  // fl(-(g / q)) <= b (g = grad_diff^2, q = the divisor > 0). And g < fl(B' q), with B' =
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
    for (int t = vector_end; t < n; ++t) {
      const bool in_up =
          y[t] == +1 ? alpha_status[t] != kUpperBound : alpha_status[t] != kLowerBound;
      const double v = -(y[t] * G[t]);
      if (in_up && v >= gmax) {
        gmax = v;
        gmax_idx = t;
      }
    }

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
    for (int t = scalar_from; t < n; ++t) {
      const bool in_low =
          y[t] == +1 ? alpha_status[t] != kLowerBound : alpha_status[t] != kUpperBound;
      if (!in_low) continue;
      const double s = y[t] * G[t];
      if (s >= gmax2) gmax2 = s;
      if (gmax + s > 0) {
        const double obj = ObjDiff(i, q_i, t, gmax);
        if (obj <= obj_diff_min) {
          gmin_idx = t;
          obj_diff_min = obj;
        }
      }
    }
    if (gmax + gmax2 < eps || gmin_idx == -1) return 1;
    out_i = gmax_idx;
    out_j = gmin_idx;
    return 0;
  }

  // As ReduceIndex, from two sets of 8 lanes.
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

  // 4 signed bytes from p (y or alpha_status of 4 variables) as doubles.
  __attribute__((target("avx2"), always_inline)) static inline __m256d LoadBytes(const void* p) {
    int32_t four;
    std::memcpy(&four, p, sizeof four);
    return _mm256_cvtepi32_pd(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(four)));
  }

  // libsvm's obj_diff of the pair (i, j), j in I_low with grad_diff > 0.
  double ObjDiff(int i, const Qfloat* q_i, int j, double gmax) const {
    const double grad_diff = gmax + y[j] * G[j];
    const double quad_coef = QD[i] + QD[j] - y[j] * (2.0 * y[i] * q_i[j]);
    return quad_coef > 0 ? -(grad_diff * grad_diff) / quad_coef : -(grad_diff * grad_diff) / kTau;
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

#endif  // TWINPROF_SVR_AVX2_SELECTION

 private:
  [[maybe_unused]] bool check_;
  SelectionStats stats_;
};

}  // namespace

void SolveWithFastSelection(int l, const QMatrix& q, const double* p, const schar* y, double* alpha,
                            double c, double tol, Solver::SolutionInfo* info, bool shrinking,
                            bool check, SelectionStats* stats) {
  SvrSolver solver(check);
  solver.Solve(l, q, p, y, alpha, c, c, tol, info, shrinking ? 1 : 0);
  if (stats != nullptr) *stats = solver.stats();
}

}  // namespace twinprof::model::regressors
