#include "calibrate/phase_fits.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

namespace twinprof::calibrate {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// y = intercept + slope * x by least squares, both >= 0: a negative one is dropped and the
// other refitted alone (a negative intercept is kept when `negative_intercept_allowed`).
// `slope_identified` is false when x does not vary (slope then 0).
struct Line {
  double intercept = 0, slope = 0;
  double intercept_se = kNaN, slope_se = kNaN;
  bool slope_identified = false;
};

Line FitLine(const std::vector<double>& x, const std::vector<double>& y,
             bool negative_intercept_allowed = false) {
  Line line;
  const double n = static_cast<double>(x.size());
  if (n == 0) return line;
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const double max_x = *std::max_element(x.begin(), x.end());
  line.slope_identified = n >= 3 && max_x > 0 && std::sqrt(sxx / n) > 0.01 * max_x;
  auto rss_of = [&](double a, double b) {
    double rss = 0;
    for (size_t i = 0; i < x.size(); ++i) rss += (y[i] - a - b * x[i]) * (y[i] - a - b * x[i]);
    return rss;
  };
  if (line.slope_identified) {
    line.slope = sxy / sxx;
    line.intercept = my - line.slope * mx;
    if (line.slope < 0) {
      line.slope = 0, line.intercept = my;
    } else if (line.intercept < 0 && !negative_intercept_allowed) {  // through the origin
      double xx = 0, xy = 0;
      for (size_t i = 0; i < x.size(); ++i) xx += x[i] * x[i], xy += x[i] * y[i];
      line.intercept = 0, line.slope = xy / xx;
    }
    if (n > 2) {
      const double sigma2 = rss_of(line.intercept, line.slope) / (n - 2);
      line.slope_se = std::sqrt(sigma2 / sxx);
      line.intercept_se = std::sqrt(sigma2 * (1 / n + mx * mx / sxx));
    }
  } else {
    line.intercept = std::max(0.0, my);
    if (n > 1) line.intercept_se = std::sqrt(rss_of(line.intercept, 0) / (n - 1) / n);
  }
  return line;
}

FittedValue NotIdentified(std::string name, double prior, std::string why) {
  FittedValue value{std::move(name), prior};
  value.identified = false;
  value.why = std::move(why);
  return value;
}

}  // namespace

PhaseFits FitPhases(const sim::Scenario& scenario, const MeasuredJobs& measured,
                    std::vector<sim::ComponentBehaviour> behaviours) {
  PhaseFits fits;
  const workflow::Workflow& workflow = scenario.workflow;
  const platform::Platform& platform = scenario.platform;

  // Outputs per component.
  for (workflow::ComponentId k : workflow.components()) {
    const std::string& name = workflow.component(k).name;
    std::vector<double> x, y, files_x, files_y;
    double files = 0;
    for (const MeasuredJob& job : measured.jobs) {
      if (job.component != k) continue;
      const JobRecord& r = *job.record;
      files += r.output_files;
      if (std::isfinite(r.input_bytes)) {
        files_x.push_back(r.input_bytes);
        files_y.push_back(r.output_files);
      }
      if (std::isfinite(r.output_bytes) && std::isfinite(r.input_bytes)) {
        x.push_back(r.input_bytes);
        y.push_back(r.output_bytes);
      }
    }
    const int jobs = measured.records_per_component[k];
    sim::ComponentBehaviour& b = behaviours[k];
    // The file count: a constant, or a line in the input size when the count follows it (a video
    // split into frames writes twice the files for twice the video). The line is kept only when
    // it explains the counts: a count that merely wanders stays a constant. Its intercept may be
    // negative (a video's container bytes hold no frame).
    Line files_line = FitLine(files_x, files_y, /*negative_intercept_allowed=*/true);
    const double mean_files = files / std::max(1, jobs);
    double constant_rss = 0, line_rss = 0;
    for (size_t i = 0; i < files_x.size(); ++i) {
      constant_rss += (files_y[i] - mean_files) * (files_y[i] - mean_files);
      const double fitted = files_line.intercept + files_line.slope * files_x[i];
      line_rss += (files_y[i] - fitted) * (files_y[i] - fitted);
    }
    const bool files_follow_input =
        files_line.slope_identified && files_line.slope > 0 && line_rss < 0.25 * constant_rss;
    if (files_follow_input) {
      b.output_files_per_input = files_line.intercept;
      b.output_files_per_input_byte = files_line.slope;
      fits.parameters.push_back({"behaviour." + name + ".output.files_per_input",
                                 files_line.intercept, files_line.intercept_se});
      fits.parameters.push_back({"behaviour." + name + ".output.files_per_input_byte",
                                 files_line.slope, files_line.slope_se});
    } else {
      b.output_files_per_input = std::round(mean_files);
      b.output_files_per_input_byte = 0;
      // The standard error of the mean count (0 when every job wrote as many files).
      const double n = static_cast<double>(files_x.size());
      FittedValue count{"behaviour." + name + ".output.files_per_input", b.output_files_per_input,
                        n > 1 ? std::sqrt(constant_rss / (n - 1) / n) : kNaN};
      if (std::abs(mean_files - b.output_files_per_input) > 1e-9) {
        char mean[32];
        std::snprintf(mean, sizeof mean, "%.3g", mean_files);
        count.why = std::string("the mean count, ") + mean + ", rounded to whole files";
      }
      fits.parameters.push_back(count);
    }
    if (x.empty()) {
      fits.parameters.push_back(NotIdentified("behaviour." + name + ".output.bytes", b.output_bytes,
                                              "no job recorded its output bytes"));
      continue;
    }
    // A negative constant is kept when there is a rate: a video's container bytes make no frames,
    // so its frames' bytes are a line through a negative constant.
    Line line = FitLine(x, y, /*negative_intercept_allowed=*/true);
    if (!line.slope_identified || line.slope <= 0) line = FitLine(x, y);
    b.output_bytes = line.intercept;
    b.output_bytes_per_input_byte = line.slope;
    fits.parameters.push_back(
        {"behaviour." + name + ".output.bytes", line.intercept, line.intercept_se});
    if (line.slope_identified) {
      fits.parameters.push_back(
          {"behaviour." + name + ".output.bytes_per_input_byte", line.slope, line.slope_se});
    } else {
      b.output_bytes_per_input_byte = 0;
      fits.parameters.push_back(NotIdentified("behaviour." + name + ".output.bytes_per_input_byte",
                                              0, "all its jobs had the same input size"));
    }
  }
  fits.behaviours = std::move(behaviours);

  // Storage per cluster: downloads (input bytes) and uploads (output bytes) together.
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> transfers;
  for (const MeasuredJob& job : measured.jobs) {
    const JobRecord& r = *job.record;
    const std::string cluster =
        r.cluster.empty() ? scenario.deployments[job.component].cluster : r.cluster;
    auto& [x, y] = transfers[cluster];
    // Transfers sharing the link each get a share of its bandwidth.
    if (std::isfinite(r.input_bytes)) {
      x.push_back(r.input_bytes * job.download_sharing), y.push_back(r.download_s());
    }
    if (std::isfinite(r.output_bytes)) {
      x.push_back(r.output_bytes * job.upload_sharing), y.push_back(r.upload_s());
    }
  }
  std::map<std::string, Line> storage_lines;
  for (const auto& [cluster_name, xy] : transfers) {
    const platform::Cluster* cluster = platform.FindCluster(cluster_name);
    if (cluster == nullptr) continue;  // a record's cluster the platform lacks: not calibrated
    Line line = FitLine(xy.first, xy.second);
    storage_lines[cluster_name] = line;
    platform::NetworkLink link = cluster->storage;
    const std::string key = "clusters." + cluster_name + ".storage.";
    link.latency = std::max(0.0, line.intercept - cluster->lan.latency);
    fits.parameters.push_back({key + "latency", link.latency, line.intercept_se});
    if (line.slope_identified && line.slope > 0 && !(line.slope < 2 * line.slope_se)) {
      link.bandwidth = std::min(platform::PlatformLimits::kMaxBandwidth, 1 / line.slope);
      fits.parameters.push_back(
          {key + "bandwidth", link.bandwidth, link.bandwidth * line.slope_se / line.slope});
    } else {
      fits.parameters.push_back(
          NotIdentified(key + "bandwidth", link.bandwidth,
                        line.slope_identified ? "transfer times do not grow measurably with bytes"
                                              : "all transfers had the same size"));
    }
    fits.storage.emplace_back(cluster_name, link);
  }

  // Overheads: pod start, image pulls, scheduling delay.
  fits.overheads = platform.overheads;
  std::vector<double> later, first_extra_x, waits;
  for (const MeasuredJob& job : measured.jobs) {
    if (!job.first_on_node) later.push_back(job.record->cold_start_s());
    if (job.slot_was_free) waits.push_back(job.record->wait_s());
  }
  auto mean_se = [](const std::vector<double>& v) {
    double mean = 0, ss = 0;
    for (double x : v) mean += x / v.size();
    for (double x : v) ss += (x - mean) * (x - mean);
    return std::pair<double, double>{
        mean, v.size() > 1 ? std::sqrt(ss / (v.size() - 1) / v.size()) : kNaN};
  };
  // Medians: a later job may still wait for a pull in progress, a job with a free slot for a
  // node the others' requests fill; the median is the typical case.
  auto median_se = [&](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const double median =
        v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    // The median's standard error for a normal sample: 1.2533 sigma / sqrt(n).
    return std::pair<double, double>{median, 1.2533 * mean_se(v).second};
  };
  if (!later.empty()) {
    auto [pod_start, se] = median_se(later);
    fits.overheads.pod_start_s = pod_start;
    fits.parameters.push_back({"overheads.pod_start", pod_start, se});
  } else {
    fits.parameters.push_back(
        NotIdentified("overheads.pod_start", fits.overheads.pod_start_s,
                      "every job was the first of its component on its node"));
  }
  // Pull seconds of first jobs against image sizes: the slope is 1 / bandwidth.
  std::vector<double> sizes, extra;
  for (const MeasuredJob& job : measured.jobs) {
    if (!job.first_on_node) continue;
    sizes.push_back(workflow.component(job.component).image_size_bytes);
    extra.push_back(job.record->cold_start_s() - fits.overheads.pod_start_s);
  }
  if (!sizes.empty() && !later.empty()) {
    double bytes = 0, seconds = 0;
    for (size_t i = 0; i < sizes.size(); ++i) bytes += sizes[i], seconds += extra[i];
    auto [mean_extra, extra_se] = mean_se(extra);
    if (bytes > 0 && mean_extra > 2 * (std::isnan(extra_se) ? INFINITY : extra_se)) {
      fits.overheads.image_pull_bandwidth =
          std::min(platform::PlatformLimits::kMaxBandwidth, bytes / seconds);
      fits.parameters.push_back({"overheads.image_pull_bandwidth",
                                 fits.overheads.image_pull_bandwidth,
                                 fits.overheads.image_pull_bandwidth * extra_se / mean_extra});
    } else if (bytes > 0) {
      // First jobs started no slower than later ones: images were already there (or pulls are
      // negligible). The simulator pulls at a node's first job, so make that pull take no time.
      fits.overheads.image_pull_bandwidth = platform::PlatformLimits::kMaxBandwidth;
      FittedValue pull{"overheads.image_pull_bandwidth", platform::PlatformLimits::kMaxBandwidth};
      pull.why = "first jobs on a node started no slower than later ones (" +
                 std::to_string(mean_extra) + " s more): no pull time measured";
      fits.parameters.push_back(pull);
    } else {
      fits.parameters.push_back(NotIdentified("overheads.image_pull_bandwidth",
                                              fits.overheads.image_pull_bandwidth,
                                              "the workflow's images have no size"));
    }
  } else {
    fits.parameters.push_back(NotIdentified("overheads.image_pull_bandwidth",
                                            fits.overheads.image_pull_bandwidth,
                                            "no node ran both a first and a later job"));
  }
  if (!waits.empty()) {
    auto [scheduling, se] = median_se(waits);
    fits.overheads.scheduling_s = std::max(0.0, scheduling);
    fits.parameters.push_back({"overheads.scheduling", fits.overheads.scheduling_s, se});
  } else {
    fits.parameters.push_back(NotIdentified("overheads.scheduling", fits.overheads.scheduling_s,
                                            "no job was submitted while a slot was free"));
  }

  // The model's phase times per job, for the MAPE table.
  for (const MeasuredJob& job : measured.jobs) {
    const JobRecord& r = *job.record;
    const std::string cluster =
        r.cluster.empty() ? scenario.deployments[job.component].cluster : r.cluster;
    auto line = storage_lines.find(cluster);
    auto transfer = [&](double bytes) {
      if (line == storage_lines.end() || !std::isfinite(bytes)) return kNaN;
      return line->second.intercept + line->second.slope * bytes;
    };
    fits.download.push_back(transfer(r.input_bytes * job.download_sharing));
    fits.upload.push_back(transfer(r.output_bytes * job.upload_sharing));
    double cold = fits.overheads.pod_start_s;
    if (job.first_on_node && fits.overheads.image_pull_bandwidth > 0) {
      cold +=
          workflow.component(job.component).image_size_bytes / fits.overheads.image_pull_bandwidth;
    }
    fits.cold_start.push_back(cold);
    fits.wait.push_back(job.slot_was_free ? fits.overheads.scheduling_s : kNaN);
  }
  return fits;
}

}  // namespace twinprof::calibrate
