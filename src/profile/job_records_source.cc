#include "profile/job_records_source.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/job_csv_reader.h"

namespace twinprof::profile {
namespace {

namespace fs = std::filesystem;

bool IsSqliteFile(const std::string& path) {
  static constexpr char kMagic[] = "SQLite format 3";  // and its NUL: 16 bytes
  char head[sizeof kMagic] = {};
  std::ifstream in(path, std::ios::binary);
  return in.read(head, sizeof head) && std::equal(head, head + sizeof head, kMagic);
}

}  // namespace

std::string JobRecordSet::Describe() const {
  return std::to_string(records.size()) + (records.size() == 1 ? " job" : " jobs") + " from " +
         (origin == Origin::kResultsStore ? "results store " : "job record CSV ") + path;
}

JobRecordSet ReadJobRecords(const ResultsStore& store) {
  JobRecordSet set;
  set.origin = JobRecordSet::Origin::kResultsStore;
  set.path = store.path();
  set.parameter_names = {"mode"};
  set.parameter_types["mode"] = ParameterType::kText;
  for (const ParameterDeclaration& declaration : store.ParameterDeclarations()) {
    set.parameter_names.push_back(declaration.name);
    set.parameter_types[declaration.name] = declaration.type;
  }
  set.parameter_types_declared = store.parameters_declared();
  std::map<int, std::string> modes;  // of the finished runs: a run's jobs count once it is
  for (const RunRow& run : store.Runs()) {
    if (run.status == "finished") modes[run.run_id] = run.mode;
  }
  for (StoredJob& job : store.Jobs()) {
    auto mode = modes.find(job.record.run_id);
    if (mode == modes.end()) continue;
    job.record.parameters.insert(job.record.parameters.begin(), {"mode", mode->second});
    set.records.push_back(std::move(job.record));
    set.where.push_back(SourceLocation{store.path()});
  }
  return set;
}

JobRecordSet ReadJobRecords(const std::string& path) {
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    throw InputError(SourceLocation{path},
                     "no such file or folder (expected a results folder of `twinprof profile` "
                     "or a CSV of job records)");
  }
  if (fs::is_directory(status)) return ReadJobRecords(ResultsStore::OpenExisting(path));
  if (IsSqliteFile(path)) {
    if (fs::path(path).filename() != "results.sqlite") {
      throw InputError(SourceLocation{path},
                       "an SQLite file that is not a results store's results.sqlite (give the "
                       "results folder of `twinprof profile`)");
    }
    std::string dir = fs::path(path).parent_path().string();
    return ReadJobRecords(ResultsStore::OpenExisting(dir.empty() ? "." : dir));
  }
  JobCsv csv = ReadJobCsv(path);
  JobRecordSet set;
  set.origin = JobRecordSet::Origin::kCsv;
  set.path = csv.path;
  set.parameter_names = std::move(csv.parameter_names);
  for (size_t i = 0; i < csv.records.size(); ++i) set.where.push_back(csv.Where(i));
  set.records = std::move(csv.records);
  std::vector<RunParameters> rows;
  for (const JobRecord& record : set.records) rows.push_back(record.parameters);
  set.parameter_types = ParameterTypeMap(InferParameterTypes(set.parameter_names, rows));
  return set;
}

}  // namespace twinprof::profile
