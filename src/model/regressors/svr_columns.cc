#include "model/regressors/svr_columns.h"

#include <algorithm>

namespace twinprof::model::regressors {

namespace {

size_t Size(int n) { return static_cast<size_t>(n); }

}  // namespace

SvrColumns::SvrColumns(const KernelTable& k, int slots)
    : l_(static_cast<int>(k.rows)),
      values_(k.values.data()),
      sign_(Size(2 * l_)),
      index_(Size(2 * l_)),
      diagonal_(Size(2 * l_)) {
  for (int i = 0; i < l_; ++i) {
    sign_[Size(i)] = 1.0f;
    sign_[Size(i + l_)] = -1.0f;
    index_[Size(i)] = i;
    index_[Size(i + l_)] = i;
    diagonal_[Size(i)] = k.diagonal[Size(i)];
    diagonal_[Size(i + l_)] = diagonal_[Size(i)];
  }
  if (slots <= 0) {
    for (std::vector<float>& b : buffers_) b.resize(Size(2 * l_));
    return;
  }
  slots_ = std::max(2, std::min(slots, 2 * l_));
  // Not value-initialised: a slot's pages are touched (and become resident) as it fills.
  pool_.reset(new float[Size(slots_) * Size(2 * l_)]);
  slot_of_.assign(Size(2 * l_), -1);
  slot_.resize(Size(slots_) + 1);
  slot_[Size(slots_)].next = slot_[Size(slots_)].prev = slots_;
  // Catching every column up costs at most one pass over each: worth it once the log is many
  // columns long.
  max_logged_swaps_ = std::max<size_t>(1024, 16 * Size(2 * l_));
}

void SvrColumns::Compute(int i, float* out, int from, int to) const {
  const float* row = values_ + Size(index_[Size(i)]) * Size(l_);
  const float si = sign_[Size(i)];
  const float* sign = sign_.data();
  const int* index = index_.data();
  // The same products as libsvm's SVR_Q::get_Q (multiplying by +-1 is exact either way).
  for (int j = from; j < to; ++j) out[j] = si * sign[j] * row[index[j]];
}

float* SvrColumns::Column(int i, int len) {
  if (!pool_) {
    next_buffer_ = 1 - next_buffer_;
    float* out = buffers_[next_buffer_].data();
    Compute(i, out, 0, len);
    return out;
  }
  ++stats_.requests;
  int s = slot_of_[Size(i)];
  if (s >= 0) {
    Unlink(s);
    CatchUp(s);
    if (slot_[Size(s)].length >= len) ++stats_.hits;
  } else {
    // The least recently used slot is never the one handed out last: that one is at the back of
    // a list of at least two.
    s = TakeSlot();
    slot_of_[Size(i)] = s;
    Slot& slot = slot_[Size(s)];
    slot.owner = i;
    slot.length = 0;
    slot.synced = swaps_.size();
  }
  Slot& slot = slot_[Size(s)];
  float* out = Data(s);
  if (slot.length < len) {
    if (slot.length > 0) ++stats_.extensions;
    Compute(i, out, slot.length, len);
    slot.length = len;
  }
  PushBack(s);
  return out;
}

void SvrColumns::Swap(int i, int j) {
  if (i == j) return;
  std::swap(sign_[Size(i)], sign_[Size(j)]);
  std::swap(index_[Size(i)], index_[Size(j)]);
  std::swap(diagonal_[Size(i)], diagonal_[Size(j)]);
  if (!pool_) return;
  ++stats_.swaps;
  // The columns follow their variables at once; their entries follow when next asked for.
  int& si = slot_of_[Size(i)];
  int& sj = slot_of_[Size(j)];
  std::swap(si, sj);
  if (si >= 0) slot_[Size(si)].owner = i;
  if (sj >= 0) slot_[Size(sj)].owner = j;
  swaps_.emplace_back(std::min(i, j), std::max(i, j));
  if (swaps_.size() >= max_logged_swaps_) {
    // Bounds the log: every kept column catches up, and the log starts again.
    for (int s = 0; s < used_; ++s) {
      if (slot_[Size(s)].owner >= 0) CatchUp(s);
      slot_[Size(s)].synced = 0;
    }
    swaps_.clear();
  }
}

void SvrColumns::CatchUp(int s) {
  Slot& slot = slot_[Size(s)];
  if (swaps_.size() - slot.synced > Size(slot.length)) {
    slot.length = 0;  // computing it afresh is cheaper than replaying the log
  } else {
    float* data = Data(s);
    for (size_t p = slot.synced; p < swaps_.size() && slot.length > 0; ++p) {
      const auto [a, b] = swaps_[p];  // a < b
      if (b < slot.length) {
        std::swap(data[a], data[b]);
      } else if (a < slot.length) {
        // Position a now holds a variable whose entry the column never had.
        slot.length = a;
        ++stats_.truncations;
      }
    }
  }
  slot.synced = swaps_.size();
}

int SvrColumns::TakeSlot() {
  if (used_ < slots_) return used_++;
  const int s = slot_[Size(slots_)].next;
  Unlink(s);
  slot_of_[Size(slot_[Size(s)].owner)] = -1;
  slot_[Size(s)].owner = -1;
  ++stats_.evictions;
  return s;
}

void SvrColumns::Unlink(int s) {
  Slot& slot = slot_[Size(s)];
  slot_[Size(slot.prev)].next = slot.next;
  slot_[Size(slot.next)].prev = slot.prev;
}

void SvrColumns::PushBack(int s) {
  Slot& head = slot_[Size(slots_)];
  slot_[Size(s)].prev = head.prev;
  slot_[Size(s)].next = slots_;
  slot_[Size(head.prev)].next = s;
  head.prev = s;
}

}  // namespace twinprof::model::regressors
