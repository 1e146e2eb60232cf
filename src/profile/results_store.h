// A ResultsStore is the persistent record of one campaign: an SQLite database in WAL mode at
// OUTPUT_DIR/results.sqlite holding the campaign's plan fingerprint, its parameters declared once
// with their types and each planned run's values (recorded at plan time), one row per
// configuration run begun and one row per finished job (the JobRecord columns, its log tail, and
// committed_at: when it was committed, in seconds since the Unix epoch). A job's parameters are
// its run's: they are read from the run, not stored per job.
//
// Formats: twinprof-results-2 (this one) keeps the parameters in the tables `parameters` and
// `run_parameters`; twinprof-results-1 kept them untyped as JSON per run and per job. A format-1
// store opens for reading as it is (its parameter types are then inferred from the values:
// parameters_declared() is false), and Open() (profile) migrates it to format 2 in place.
//
// Resume protocol ("a run is atomic"):
//  - BeginRun(run) deletes whatever the run left behind and marks it `running`, in one
//    transaction.
//  - CommitJob(record) commits one finished job in its own transaction, as soon as it finishes.
//  - FinishRun(run) marks it `finished` (with its makespan and counts) in one transaction.
//  - After a crash (kill -9 at any instant), a run is either `finished` with all its jobs, or
//    not: DiscardUnfinishedRuns() deletes the jobs of every unfinished run, and the profiler
//    reruns exactly those runs. Finished runs are skipped. So every planned job ends up in the
//    store exactly once: (run_id, job_id) is the primary key, and a run's jobs are only ever
//    written between its BeginRun and FinishRun.
// WAL with synchronous=NORMAL survives the death of the process at any point; a power loss may
// roll back the last transactions, which the protocol turns into a rerun of that run.
//
// A ResultsStore is used from one thread. Errors of SQLite throw std::runtime_error naming the
// database; a file that is not a twinprof store throws InputError.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/job_record.h"
#include "core/run_parameters.h"

struct sqlite3;

namespace twinprof::profile {

// One configuration run as the store knows it.
struct RunRow {
  int run_id = 0;
  std::string run_key;  // the planner's stable description of the run (checked on resume)
  int repetition = 0;
  std::string mode = "workflow";
  RunParameters parameters;        // in declaration order
  std::string status = "planned";  // "running" or "finished" once begun
  double makespan_s = 0;
  int jobs = 0;
  int failed_jobs = 0;
  double wall_s = 0;  // how long the run took to profile (finished runs)
  // For each component, the input files its jobs received (see RunResult::component_inputs).
  std::map<std::string, std::vector<std::string>> component_inputs;
};

// A job as stored: the record plus the tail of its log.
struct StoredJob {
  JobRecord record;
  std::string log_tail;
};

class ResultsStore {
 public:
  // Opens (creating when absent) DIR/results.sqlite; creates DIR when needed.
  static ResultsStore Open(const std::string& dir);
  // Opens an existing store (for reading: it writes nothing unless asked, though SQLite needs the
  // folder writable for its WAL index); throws InputError when DIR holds none or holds a file
  // that is not a twinprof store of this format.
  static ResultsStore OpenExisting(const std::string& dir);

  ResultsStore(ResultsStore&&) noexcept;
  ResultsStore& operator=(ResultsStore&&) noexcept;
  ~ResultsStore();

  const std::string& path() const { return path_; }

  // Campaign-level facts ("campaign", "plan", "format"): nullopt when absent.
  std::optional<std::string> GetMeta(const std::string& key) const;
  void SetMeta(const std::string& key, const std::string& value);

  // Records the plan's parameters, once, typed: the declarations (column order) and the values
  // of every planned run (run_id, parameters). Replaces what an earlier call recorded, in one
  // transaction. Throws std::invalid_argument for a run's parameter that is not declared.
  void RecordPlan(const std::vector<ParameterDeclaration>& declarations,
                  const std::vector<std::pair<int, RunParameters>>& runs);
  // The declared parameters in column order. A store without declarations (format 1 opened for
  // reading, or no plan recorded) gives its parameter names typed from their values (see
  // InferParameterTypes), and parameters_declared() is false.
  std::vector<ParameterDeclaration> ParameterDeclarations() const;
  bool parameters_declared() const;

  // See the resume protocol above. `run` supplies id, key, repetition, mode and parameters:
  // non-empty parameters replace the run's recorded ones (their names must be declared:
  // std::invalid_argument otherwise); empty ones keep what the plan recorded.
  void BeginRun(const RunRow& run);
  // Commits one job. Throws std::runtime_error when the run already holds a job with this job_id
  // (committing the same job twice: (run_id, job_id) is unique) and on any SQLite error; the
  // store is unchanged then.
  void CommitJob(const JobRecord& record, const std::string& log_tail);
  // Marks the run finished with the given makespan, counts, wall time and component inputs.
  void FinishRun(const RunRow& run);
  // Deletes the jobs of every run that is not finished; returns how many runs that concerned.
  int DiscardUnfinishedRuns();

  // Every run that was begun, by run_id.
  std::vector<RunRow> Runs() const;
  std::optional<RunRow> FindRun(int run_id) const;
  // Jobs, by run_id then commit order; `component` = "" for all.
  std::vector<StoredJob> Jobs(const std::string& component = "") const;
  // The jobs committed for one run.
  int CountJobs(int run_id) const;

 private:
  ResultsStore(std::string path, sqlite3* db);
  void Execute(const std::string& sql) const;
  // Runs `body` as one write transaction (BEGIN IMMEDIATE ... COMMIT): when it throws (or the
  // commit fails) the transaction is rolled back and the exception goes on.
  void InTransaction(const std::function<void()>& body);
  // Format 1 -> 2: the parameter tables, filled from the runs' JSON parameters (types inferred).
  void Migrate();
  // Every run's recorded parameters (format 2), in declaration order.
  std::map<int, RunParameters> RecordedRunParameters() const;
  void InsertRunParameters(int run_id, const RunParameters& parameters,
                           const std::map<std::string, ParameterType>& declared);
  // The job columns added after this store was written (JobColumn::added_later).
  std::set<std::string> MissingJobColumns() const;
  // Open (to write) gives such a store the columns, empty (NULL: not measured) for the jobs it
  // holds; OpenExisting (to read) leaves the file alone and reads them as not measured.
  void AddColumnsAddedLater();

  std::string path_;
  sqlite3* db_ = nullptr;
  std::set<std::string> missing_job_columns_;  // read as NULL (OpenExisting of an older store)
  int format_ = 2;
};

}  // namespace twinprof::profile
