#include "calibrate/calibration.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "sim/calibration_file.h"

namespace twinprof::calibrate {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A phase judged on a component's jobs: MAPE (%) of the predictions and the measured mean
// (seconds), both over the jobs with a measured time above 0 and a finite prediction, so that the
// two are read together. NaN when there is none.
struct PhaseJudgement {
  double mape_pct = kNaN;
  double mean_s = kNaN;
};

PhaseJudgement Judge(const std::vector<double>& measured, const std::vector<double>& predicted) {
  double relative_errors = 0, seconds = 0;
  int n = 0;
  for (size_t i = 0; i < measured.size(); ++i) {
    if (!(measured[i] > 0) || !std::isfinite(predicted[i])) continue;
    relative_errors += std::abs(predicted[i] - measured[i]) / measured[i];
    seconds += measured[i];
    ++n;
  }
  if (n == 0) return {};
  return {100 * relative_errors / n, seconds / n};
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Number(double value) { return std::isfinite(value) ? FormatDouble(value) : ".nan"; }

std::string Percent(double value) {
  if (!std::isfinite(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

Summary Calibrate(const sim::Scenario& scenario, const std::vector<profile::JobRecordSet>& data,
                  const Options& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (data.empty()) throw InputError("calibrate: no --data given");
  MeasuredJobs measured = CollectMeasuredJobs(scenario, data);
  ComputeFitOptions compute_options;
  compute_options.reference_node_type = options.reference_node_type;
  compute_options.starts = options.starts;
  compute_options.huber_scale = options.huber_scale;
  compute_options.max_iterations = options.max_iterations;
  ComputeFit compute = FitCompute(scenario, measured, compute_options);
  PhaseFits phases = FitPhases(scenario, measured, compute.behaviours);

  Summary summary;
  summary.workflow = scenario.workflow.name();
  summary.reference_node_type = compute.reference_node_type;
  summary.data = measured.data_paths;
  summary.jobs = static_cast<int>(measured.jobs.size());
  summary.failed = measured.failed;
  summary.ignored = measured.ignored;
  summary.parameters = compute.parameters;
  summary.parameters.insert(summary.parameters.end(), phases.parameters.begin(),
                            phases.parameters.end());
  summary.converged = compute.converged;
  summary.iterations = compute.iterations;
  summary.starts = compute.starts;
  summary.covariance_available = compute.covariance_available;
  summary.behaviours = phases.behaviours;
  for (workflow::ComponentId id : scenario.workflow.components()) {
    summary.component_names.push_back(scenario.workflow.component(id).name);
  }
  for (const auto& [type, speed] : compute.node_speeds) {
    if (type != compute.reference_node_type) summary.node_speeds.emplace_back(type, speed);
  }
  summary.storage = phases.storage;
  summary.overheads = phases.overheads;

  for (workflow::ComponentId id : scenario.workflow.components()) {
    PhaseMape mape;
    mape.component = summary.component_names[id];
    std::vector<double> m[5], p[5];
    for (size_t j = 0; j < measured.jobs.size(); ++j) {
      const MeasuredJob& job = measured.jobs[j];
      if (job.component != id) continue;
      ++mape.jobs;
      const JobRecord& r = *job.record;
      const double measured_values[5] = {r.compute_s(), r.download_s(), r.upload_s(),
                                         r.cold_start_s(), r.wait_s()};
      const double predicted[5] = {compute.predicted[j], phases.download[j], phases.upload[j],
                                   phases.cold_start[j], phases.wait[j]};
      for (int phase = 0; phase < 5; ++phase) {
        m[phase].push_back(measured_values[phase]);
        p[phase].push_back(predicted[phase]);
      }
    }
    const PhaseJudgement phase[5] = {Judge(m[0], p[0]), Judge(m[1], p[1]), Judge(m[2], p[2]),
                                     Judge(m[3], p[3]), Judge(m[4], p[4])};
    mape.compute = phase[0].mape_pct;
    mape.download = phase[1].mape_pct;
    mape.upload = phase[2].mape_pct;
    mape.cold_start = phase[3].mape_pct;
    mape.wait = phase[4].mape_pct;
    mape.mean_compute_s = phase[0].mean_s;
    mape.mean_download_s = phase[1].mean_s;
    mape.mean_upload_s = phase[2].mean_s;
    mape.mean_cold_start_s = phase[3].mean_s;
    mape.mean_wait_s = phase[4].mean_s;
    summary.mape.push_back(mape);
  }
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return summary;
}

std::string Summary::BriefReport() const {
  double worst = 0;
  for (const PhaseMape& m : mape) {
    if (std::isfinite(m.compute)) worst = std::max(worst, m.compute);
  }
  int unidentified = 0;
  for (const FittedValue& p : parameters) unidentified += p.identified ? 0 : 1;
  char line[512];
  std::snprintf(line, sizeof line,
                "calibrated %s on %d jobs (%zu components, reference node type %s): %s after %d "
                "iterations, compute MAPE <= %.1f%%, %d parameters not identified, %.2f s",
                workflow.c_str(), jobs, mape.size(), reference_node_type.c_str(),
                converged ? "converged" : "DID NOT CONVERGE", iterations, worst, unidentified,
                wall_seconds);
  return line;
}

std::string Summary::FullReport() const {
  std::ostringstream out;
  out << BriefReport() << "\n";
  out << "data:";
  for (const std::string& path : data) out << " " << path;
  out << "\njobs: " << jobs << " fitted, " << failed << " failed left out, " << ignored
      << " without compute time left out; best of " << starts << " starts\n";
  if (!covariance_available) {
    out << "standard errors: not available (the data do not identify the free parameters "
           "jointly, or too few jobs)\n";
  }
  out << "\nparameter                                          value          std. error\n";
  for (const FittedValue& p : parameters) {
    char line[256];
    std::snprintf(line, sizeof line, "%-50s %-14.6g ", p.name.c_str(), p.value);
    out << line;
    if (!p.identified) {
      out << "not identified: " << p.why;
    } else if (std::isfinite(p.standard_error)) {
      char se[64];
      std::snprintf(se, sizeof se, "%.3g (%.1f%%)", p.standard_error,
                    p.value != 0 ? 100 * p.standard_error / std::abs(p.value) : 0.0);
      out << se;
      if (!p.why.empty()) out << "  " << p.why;
    } else {
      out << "-";
      if (!p.why.empty()) out << "  " << p.why;
    }
    out << "\n";
  }
  out << "\nMAPE (%) on its own jobs   jobs  compute  download  upload  cold_start  wait\n";
  for (const PhaseMape& m : mape) {
    char line[256];
    std::snprintf(line, sizeof line, "%-26s %5d  %7s  %8s  %6s  %10s  %4s\n", m.component.c_str(),
                  m.jobs, Percent(m.compute).c_str(), Percent(m.download).c_str(),
                  Percent(m.upload).c_str(), Percent(m.cold_start).c_str(),
                  Percent(m.wait).c_str());
    out << line;
  }
  out << "mean measured (s)          jobs  compute  download  upload  cold_start  wait\n";
  for (const PhaseMape& m : mape) {
    char line[256];
    std::snprintf(line, sizeof line, "%-26s %5d  %7.3g  %8.3g  %6.3g  %10.3g  %4.3g\n",
                  m.component.c_str(), m.jobs, m.mean_compute_s, m.mean_download_s, m.mean_upload_s,
                  m.mean_cold_start_s, m.mean_wait_s);
    out << line;
  }
  return out.str();
}

std::string Summary::CalibrationFile() const {
  std::ostringstream out;
  out << "# Written by twinprof calibrate: fitted values in the scenario's keys and units, then "
         "how the fit\n# went (docs/formats.md, \"Calibration file\"). Use it with a "
         "scenario's `calibration:` key.\n";
  out << "format: " << sim::kCalibrationFormat << "\n";
  out << "workflow: " << Quoted(workflow) << "\n";
  out << "reference_node_type: " << Quoted(reference_node_type) << "\n";
  out << "behaviour:\n";
  for (size_t k = 0; k < behaviours.size(); ++k) {
    const sim::ComponentBehaviour& b = behaviours[k];
    out << "  " << Quoted(component_names[k]) << ":\n";
    out << "    work: {base: " << Number(b.work_base) << ", per_byte: " << Number(b.work_per_byte);
    if (b.work_exponent != 1) {
      out << ", exponent: " << Number(b.work_exponent)
          << ", reference_size: " << Number(b.work_reference_bytes);
    }
    out << "}\n";
    out << "    serial_fraction: " << Number(b.serial_fraction) << "\n";
    out << "    off_cpu: {base: " << Number(b.off_cpu_base)
        << ", per_byte: " << Number(b.off_cpu_per_byte) << "}\n";
    out << "    output: {files_per_input: " << Number(b.output_files_per_input)
        << ", files_per_input_byte: " << Number(b.output_files_per_input_byte)
        << ", bytes: " << Number(b.output_bytes)
        << ", bytes_per_input_byte: " << Number(b.output_bytes_per_input_byte) << "}\n";
    for (const auto& [key, values] :
         {std::pair{"speed_factor", &b.speed_factor}, std::pair{"interference", &b.interference}}) {
      if (values->empty()) continue;
      out << "    " << key << ": {";
      bool first = true;
      for (const auto& [type, value] : *values) {
        out << (first ? "" : ", ") << Quoted(type) << ": " << Number(value);
        first = false;
      }
      out << "}\n";
    }
  }
  if (!node_speeds.empty()) {
    out << "node_types:\n";
    for (const auto& [type, speed] : node_speeds) {
      out << "  " << Quoted(type) << ": {speed: " << Number(speed) << "}\n";
    }
  }
  if (!storage.empty()) {
    out << "clusters:\n";
    for (const auto& [cluster, link] : storage) {
      out << "  " << Quoted(cluster) << ": {storage: {bandwidth: " << Number(link.bandwidth)
          << ", latency: " << Number(link.latency) << "}}\n";
    }
  }
  out << "overheads: {scheduling: " << Number(overheads.scheduling_s)
      << ", pod_start: " << Number(overheads.pod_start_s)
      << ", image_pull_bandwidth: " << Number(overheads.image_pull_bandwidth) << "}\n";
  out << "fit:\n";
  out << "  data: [";
  for (size_t i = 0; i < data.size(); ++i) out << (i ? ", " : "") << Quoted(data[i]);
  out << "]\n";
  out << "  converged: " << (converged ? "true" : "false") << "\n";
  out << "  iterations: " << iterations << "\n";
  out << "  starts: " << starts << "\n";
  out << "  jobs: " << jobs << "\n";
  out << "  records: {";
  for (size_t i = 0; i < mape.size(); ++i) {
    out << (i ? ", " : "") << Quoted(mape[i].component) << ": " << mape[i].jobs;
  }
  out << "}\n";
  out << "  mape:\n";
  for (const PhaseMape& m : mape) {
    out << "    " << Quoted(m.component) << ": {compute: " << Number(m.compute)
        << ", download: " << Number(m.download) << ", upload: " << Number(m.upload)
        << ", cold_start: " << Number(m.cold_start) << ", wait: " << Number(m.wait) << "}\n";
  }
  out << "  mean_seconds:\n";
  for (const PhaseMape& m : mape) {
    out << "    " << Quoted(m.component) << ": {compute: " << Number(m.mean_compute_s)
        << ", download: " << Number(m.mean_download_s) << ", upload: " << Number(m.mean_upload_s)
        << ", cold_start: " << Number(m.mean_cold_start_s) << ", wait: " << Number(m.mean_wait_s)
        << "}\n";
  }
  out << "  parameters:\n";
  for (const FittedValue& p : parameters) {
    out << "    " << Quoted(p.name) << ": {value: " << Number(p.value) << ", standard_error: ";
    if (!p.identified) {
      out << "not identified, why: " << Quoted(p.why);
    } else {
      out << Number(p.standard_error);
      if (!p.why.empty()) out << ", note: " << Quoted(p.why);
    }
    out << "}\n";
  }
  return out.str();
}

}  // namespace twinprof::calibrate
