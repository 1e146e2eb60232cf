// JobRecord: one job of one run, measured (local, oscar) or simulated (sim).
//
// The same columns for every source make validation a join and let models and plots read any of
// them (docs/architecture.md, "One record for measured and simulated jobs"). Times are seconds
// since the run's start. The durations are consecutive phases, so they add up exactly:
//   wait = t_pod_start - t_submit            cold_start = t_container_start - t_pod_start
//   download = t_exec_start - t_container_start   compute = t_exec_end - t_exec_start
//   upload = t_finish - t_exec_end           total = t_finish - t_submit
#pragma once

#include <cmath>
#include <iosfwd>
#include <limits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace twinprof {

inline constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

struct JobRecord {
  // Which campaign, which configuration run, which repetition.
  std::string campaign;
  int run_id = 0;
  int repetition = 0;
  // Which component and job.
  std::string component;
  std::string job_id;
  std::string source;  // "local", "oscar" or "sim"
  // Where it ran.
  std::string cluster;
  std::string node;
  std::string node_type;
  std::string arch;
  // Container limits and the component's maximum concurrent jobs.
  double cpu = 0;
  double memory_mb = 0;
  int parallelism = 1;
  // Data in and out.
  double input_bytes = 0;
  double output_bytes = 0;
  int output_files = 0;
  // Timestamps (seconds since the run's start).
  double t_submit = 0;
  double t_pod_start = 0;
  double t_container_start = 0;
  double t_exec_start = 0;
  double t_exec_end = 0;
  double t_finish = 0;
  // "succeeded" or "failed"; `failure_reason` says why ("exit 3", "oom", "timeout", ...).
  std::string status = "succeeded";
  std::string failure_reason;
  // Resource use where the backend can read it (cgroup accounting); NaN otherwise.
  double cpu_time_s = kNotMeasured;
  // The share of the job's CPU quota periods in which it was throttled, i.e. wanted more CPU than
  // its limit (cgroup cpu.stat: nr_throttled / nr_periods). A job that never exceeds a 1-core
  // limit runs one thread at a time; calibrate reads its serial fraction from this. NaN where the
  // backend cannot read it or the job had no CPU quota.
  double throttled_fraction = kNotMeasured;
  double peak_memory_mb = kNotMeasured;
  // "enforced", or what was not enforced and why (e.g. "cpu limit not enforced: cgroup read-only").
  std::string limits = "enforced";
  // The campaign's configuration parameters for this run, e.g. {"split-video.cpu", "1"}.
  std::vector<std::pair<std::string, std::string>> parameters;

  double wait_s() const { return t_pod_start - t_submit; }
  double cold_start_s() const { return t_container_start - t_pod_start; }
  double download_s() const { return t_exec_start - t_container_start; }
  double compute_s() const { return t_exec_end - t_exec_start; }
  double upload_s() const { return t_finish - t_exec_end; }
  double total_s() const { return t_finish - t_submit; }
  bool succeeded() const { return status == "succeeded"; }
};

// One column of the job record, declared once: its name, its type, how to read it from a record
// and how to set it. JobColumns() lists them; the CSV writer and reader, the results store's
// table, insert and select, and the export's targets all iterate that list, so they cannot
// disagree on a column's name, order or type.
class JobColumn {
 public:
  enum class Type { kText, kInteger, kReal };
  // Where the value lives: a member of JobRecord, or (the six durations) a method computing it
  // from the timestamps.
  using Member = std::variant<std::string JobRecord::*, int JobRecord::*, double JobRecord::*,
                              double (JobRecord::*)() const>;
  struct Flags {
    // Reals only: may be NaN in the record (not measured) = an empty CSV cell = NULL in the store.
    bool may_be_missing = false;
    // Identifies the job: NOT NULL in the store, never empty in a CSV file.
    bool identifies = false;
    // A quantity a model may learn (`twinprof export --target`).
    bool target = false;
    // Added after the first files were written: a CSV file or results store without the column
    // reads as missing values (NaN) instead of being refused. Only with may_be_missing.
    bool added_later = false;
  };

  JobColumn(std::string name, Member member, Flags flags, std::vector<std::string> allowed = {});

  const std::string& name() const { return name_; }
  Type type() const;
  // Computed from the timestamps (wait_s ... total_s): written to CSV, checked when read, not
  // stored and not settable.
  bool derived() const { return member_.index() == 3; }
  bool may_be_missing() const { return flags_.may_be_missing; }
  bool identifies() const { return flags_.identifies; }
  bool target() const { return flags_.target; }
  bool added_later() const { return flags_.added_later; }
  // The only valid values of a text column ("status": succeeded, failed); empty = any.
  const std::vector<std::string>& allowed() const { return allowed_; }

  // Getters. Each throws std::logic_error when the column is not of that type.
  const std::string& Text(const JobRecord& record) const;
  int Integer(const JobRecord& record) const;
  double Real(const JobRecord& record) const;  // reals and derived columns
  // Integers and reals (and derived) as a double; std::logic_error for text columns.
  double Number(const JobRecord& record) const;
  // The value as the CSV form writes it, unquoted: text as is, integers in decimal, reals as
  // FormatDouble writes them ("" for NaN).
  std::string Format(const JobRecord& record) const;
  // Appends Format()'s text to `out`, without building a string of its own (the CSV writer's
  // path: a million rows of 33 columns).
  void AppendFormatted(const JobRecord& record, std::string& out) const;

  // Setters. Each throws std::logic_error when the column is not of that type or is derived.
  void SetText(JobRecord& record, std::string value) const;
  void SetInteger(JobRecord& record, int value) const;
  void SetReal(JobRecord& record, double value) const;

 private:
  std::string name_;
  Member member_;
  Flags flags_;
  std::vector<std::string> allowed_;
};

// Every column, in the order of the CSV form: the record's fields, with the six durations after
// t_finish. The results store keeps the non-derived ones, in this order.
const std::vector<JobColumn>& JobColumns();
// The column called `name`, or nullptr.
const JobColumn* FindJobColumn(const std::string& name);
// The names of JobColumns(), in order (the fixed columns of the CSV form; parameters follow them).
const std::vector<std::string>& JobRecordColumns();

// Writes records as CSV: the fixed columns, then one column per name in `parameter_names`
// (empty where a record lacks it). Numbers are written with enough digits to round-trip.
// The writer keeps a reference to `out`: the caller keeps the stream alive while the writer is
// used. The header is written by the constructor; the stream's errors are the caller's to check.
class JobCsvWriter {
 public:
  JobCsvWriter(std::ostream& out, std::vector<std::string> parameter_names);
  void Write(const JobRecord& record);

 private:
  std::ostream& out_;
  std::vector<std::string> parameter_names_;
  std::string row_;  // the row being built, kept to reuse its buffer
};

// Quotes a CSV field when it needs it (RFC 4180).
std::string CsvField(const std::string& text);
// Shortest decimal form that reads back to the same double; "" for NaN.
std::string FormatDouble(double value);
// Appends FormatDouble(value) to `out`.
void AppendDouble(double value, std::string& out);

}  // namespace twinprof
