#include "profile/oscar/job_timeline.h"

#include <array>

namespace twinprof::profile::oscar {

TimelineFix FillTimes(const JobTimes& times, double run_start, JobRecord* record) {
  TimelineFix fix;
  const std::array<std::optional<double>, 6> in = {times.submit,          times.pod_start,
                                                   times.container_start, times.exec_start,
                                                   times.exec_end,        times.finish};
  const std::array<double*, 6> out = {&record->t_submit,          &record->t_pod_start,
                                      &record->t_container_start, &record->t_exec_start,
                                      &record->t_exec_end,        &record->t_finish};
  double previous = in[0].value_or(run_start);
  for (size_t i = 0; i < in.size(); ++i) {
    double t = previous;
    if (!in[i]) {
      if (i > 0) ++fix.missing;
    } else if (*in[i] < previous) {
      ++fix.clamped;
      if (previous - *in[i] > kResolution + 0.5) ++fix.skewed;
    } else {
      t = *in[i];
    }
    *out[i] = t - run_start;
    previous = t;
  }
  return fix;
}

}  // namespace twinprof::profile::oscar
