#include "profile/results_store.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "core/error.h"

namespace twinprof::profile {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kFileName = "results.sqlite";
constexpr const char* kFormat = "twinprof-results-2";
constexpr const char* kFormatOne = "twinprof-results-1";

// Format 2's parameter tables: each parameter declared once with its type, and each planned
// run's values.
constexpr const char* kParameterTables = R"sql(
CREATE TABLE IF NOT EXISTS parameters (
  name TEXT PRIMARY KEY, position INTEGER NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('number', 'text')));
CREATE TABLE IF NOT EXISTS run_parameters (
  run_id INTEGER NOT NULL, name TEXT NOT NULL REFERENCES parameters (name), value TEXT NOT NULL,
  PRIMARY KEY (run_id, name));
)sql";

// The jobs table's columns come from JobColumns() (the non-derived ones, in order), so the
// store cannot disagree with the CSV form; the generated text declares the same columns, types
// and constraints as format 1 always had (tests/profile/results_store_test.cc opens a store
// written before the table existed).
constexpr const char* kSchemaStart = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  run_id INTEGER PRIMARY KEY, run_key TEXT NOT NULL, repetition INTEGER NOT NULL,
  mode TEXT NOT NULL, parameters TEXT NOT NULL, status TEXT NOT NULL,
  makespan_s REAL, jobs INTEGER, failed_jobs INTEGER, wall_s REAL, component_inputs TEXT);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT)sql";
// After the record's columns.
constexpr const char* kSchemaEnd =
    ", parameters TEXT, log_tail TEXT,\n  committed_at REAL, UNIQUE (run_id, job_id));\n";

const char* SqlType(JobColumn::Type type) {
  switch (type) {
    case JobColumn::Type::kText:
      return "TEXT";
    case JobColumn::Type::kInteger:
      return "INTEGER";
    case JobColumn::Type::kReal:
      break;
  }
  return "REAL";
}

const std::string& Schema() {
  static const std::string kSchema = [] {
    std::string sql = kSchemaStart;
    for (const JobColumn& column : JobColumns()) {
      if (column.derived()) continue;
      sql += ",\n  " + column.name() + " " + SqlType(column.type());
      if (column.identifies()) sql += " NOT NULL";
    }
    return sql + kSchemaEnd;
  }();
  return kSchema;
}

// "a, b, c" of the stored columns of the record.
const std::string& StoredColumnList() {
  static const std::string kList = [] {
    std::string list;
    for (const JobColumn& column : JobColumns()) {
      if (!column.derived()) list += (list.empty() ? "" : ", ") + column.name();
    }
    return list;
  }();
  return kList;
}

// A prepared statement, finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) Throw("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, double v) {
    if (std::isnan(v)) {
      sqlite3_bind_null(stmt_, i);
    } else {
      sqlite3_bind_double(stmt_, i, v);
    }
  }
  void Bind(int i, int v) { sqlite3_bind_int(stmt_, i, v); }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }

  // Steps once; true while there is a row.
  bool Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Throw("step");
  }
  std::string Text(int i) const {
    const unsigned char* text = sqlite3_column_text(stmt_, i);
    return text ? reinterpret_cast<const char*>(text) : "";
  }
  double Double(int i) const {
    return sqlite3_column_type(stmt_, i) == SQLITE_NULL ? kNotMeasured
                                                        : sqlite3_column_double(stmt_, i);
  }
  int Int(int i) const { return sqlite3_column_int(stmt_, i); }
  bool IsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

 private:
  [[noreturn]] void Throw(const char* what) const {
    throw std::runtime_error(std::string("results store: ") + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string ParametersToJson(const std::vector<std::pair<std::string, std::string>>& parameters) {
  Json array = Json::array();
  for (const auto& [name, value] : parameters) array.push_back({name, value});
  return array.dump();
}

std::vector<std::pair<std::string, std::string>> ParametersFromJson(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> parameters;
  if (text.empty()) return parameters;
  for (const Json& pair : Json::parse(text)) {
    parameters.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  }
  return parameters;
}

void InsertDeclarations(sqlite3* db, const std::vector<ParameterDeclaration>& declarations) {
  for (size_t i = 0; i < declarations.size(); ++i) {
    Statement insert(db, "INSERT INTO parameters (name, position, type) VALUES (?, ?, ?)");
    insert.Bind(1, declarations[i].name);
    insert.Bind(2, static_cast<int>(i));
    insert.Bind(3, std::string(ParameterTypeName(declarations[i].type)));
    insert.Step();
  }
}

sqlite3* OpenDatabase(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw InputError(SourceLocation{path}, "cannot open the results store: " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

RunRow ReadRun(const Statement& s) {
  RunRow run;
  run.run_id = s.Int(0);
  run.run_key = s.Text(1);
  run.repetition = s.Int(2);
  run.mode = s.Text(3);
  run.parameters = ParametersFromJson(s.Text(4));
  run.status = s.Text(5);
  run.makespan_s = s.Double(6);
  run.jobs = s.Int(7);
  run.failed_jobs = s.Int(8);
  run.wall_s = s.Double(9);
  std::string inputs = s.Text(10);
  if (!inputs.empty()) {
    run.component_inputs =
        Json::parse(inputs).get<std::map<std::string, std::vector<std::string>>>();
  }
  return run;
}

constexpr const char* kRunColumns =
    "run_id, run_key, repetition, mode, parameters, status, makespan_s, jobs, failed_jobs, "
    "wall_s, component_inputs";

}  // namespace

ResultsStore::ResultsStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

ResultsStore::ResultsStore(ResultsStore&& other) noexcept
    : path_(std::move(other.path_)),
      db_(std::exchange(other.db_, nullptr)),
      format_(other.format_) {}

ResultsStore& ResultsStore::operator=(ResultsStore&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    path_ = std::move(other.path_);
    db_ = std::exchange(other.db_, nullptr);
    format_ = other.format_;
  }
  return *this;
}

ResultsStore::~ResultsStore() { sqlite3_close(db_); }

ResultsStore ResultsStore::Open(const std::string& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    throw InputError(SourceLocation{dir}, "cannot create the output folder: " + error.message());
  }
  std::string path = (fs::path(dir) / kFileName).string();
  ResultsStore store(path, OpenDatabase(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  store.Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  try {
    store.Execute(Schema());
  } catch (const std::runtime_error& e) {
    throw InputError(SourceLocation{path},
                     std::string("not a twinprof results store: ") + e.what());
  }
  std::optional<std::string> format = store.GetMeta("format");
  if (!format) {
    store.Execute(kParameterTables);
    store.SetMeta("format", kFormat);
  } else if (*format == kFormatOne) {
    store.Migrate();
  } else if (*format != kFormat) {
    throw InputError(SourceLocation{path}, "results store format '" + *format +
                                               "' is not the one this twinprof writes (" + kFormat +
                                               ")");
  }
  store.AddColumnsAddedLater();
  return store;
}

ResultsStore ResultsStore::OpenExisting(const std::string& dir) {
  std::string path = (fs::path(dir) / kFileName).string();
  if (!fs::exists(path)) {
    throw InputError(SourceLocation{dir}, "no results store here (expected " + path + ")");
  }
  ResultsStore store(path, OpenDatabase(path, SQLITE_OPEN_READWRITE));
  std::optional<std::string> format;
  try {
    format = store.GetMeta("format");
  } catch (const std::runtime_error& e) {
    throw InputError(SourceLocation{path},
                     std::string("not a twinprof results store: ") + e.what());
  }
  if (format == kFormatOne) {
    store.format_ = 1;
  } else if (format != kFormat) {
    throw InputError(SourceLocation{path},
                     "not a twinprof results store (format '" + format.value_or("") + "')");
  }
  store.missing_job_columns_ = store.MissingJobColumns();
  return store;
}

std::set<std::string> ResultsStore::MissingJobColumns() const {
  std::set<std::string> present, missing;
  Statement columns(db_, "SELECT name FROM pragma_table_info('jobs')");
  while (columns.Step()) present.insert(columns.Text(0));
  for (const JobColumn& column : JobColumns()) {
    if (column.added_later() && !present.count(column.name())) missing.insert(column.name());
  }
  return missing;
}

void ResultsStore::AddColumnsAddedLater() {
  for (const std::string& name : MissingJobColumns()) {
    const JobColumn& column = *FindJobColumn(name);
    try {
      Execute("ALTER TABLE jobs ADD COLUMN " + column.name() + " " + SqlType(column.type()));
    } catch (const std::runtime_error& e) {
      throw InputError(SourceLocation{path_}, "cannot add the column '" + column.name() +
                                                  "' that this twinprof records: " + e.what());
    }
  }
}

void ResultsStore::Execute(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error("results store " + path_ + ": " + text);
  }
}

void ResultsStore::InTransaction(const std::function<void()>& body) {
  Execute("BEGIN IMMEDIATE");
  try {
    body();
    Execute("COMMIT");
  } catch (...) {
    Execute("ROLLBACK");
    throw;
  }
}

std::optional<std::string> ResultsStore::GetMeta(const std::string& key) const {
  Statement s(db_, "SELECT value FROM meta WHERE key = ?");
  s.Bind(1, key);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

void ResultsStore::SetMeta(const std::string& key, const std::string& value) {
  Statement s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  s.Bind(1, key);
  s.Bind(2, value);
  s.Step();
}

void ResultsStore::BeginRun(const RunRow& run) {
  InTransaction([&] {
    Statement del(db_, "DELETE FROM jobs WHERE run_id = ?");
    del.Bind(1, run.run_id);
    del.Step();
    Statement insert(db_,
                     "INSERT OR REPLACE INTO runs (run_id, run_key, repetition, mode, parameters, "
                     "status) VALUES (?, ?, ?, ?, ?, 'running')");
    insert.Bind(1, run.run_id);
    insert.Bind(2, run.run_key);
    insert.Bind(3, run.repetition);
    insert.Bind(4, run.mode);
    // Format 2 keeps the parameters in run_parameters only (the column stays for format 1).
    insert.Bind(5, format_ == 1 ? ParametersToJson(run.parameters) : std::string("[]"));
    insert.Step();
    if (format_ != 1 && !run.parameters.empty()) {
      // What the run runs with (the plan's values, when the plan was recorded).
      Statement forget(db_, "DELETE FROM run_parameters WHERE run_id = ?");
      forget.Bind(1, run.run_id);
      forget.Step();
      InsertRunParameters(run.run_id, run.parameters, ParameterTypeMap(ParameterDeclarations()));
    }
  });
}

void ResultsStore::CommitJob(const JobRecord& r, const std::string& log_tail) {
  // One statement = one transaction (autocommit).
  std::string sql =
      "INSERT INTO jobs (" + StoredColumnList() + ", parameters, log_tail, committed_at) VALUES (?";
  for (const JobColumn& column : JobColumns()) {
    if (!column.derived()) sql += ", ?";
  }
  sql += ", ?, ?)";
  Statement s(db_, sql.c_str());
  int i = 0;
  for (const JobColumn& column : JobColumns()) {
    if (column.derived()) continue;
    switch (column.type()) {
      case JobColumn::Type::kText:
        s.Bind(++i, column.Text(r));
        break;
      case JobColumn::Type::kInteger:
        s.Bind(++i, column.Integer(r));
        break;
      case JobColumn::Type::kReal:
        s.Bind(++i, column.Real(r));  // NaN -> NULL
        break;
    }
  }
  if (format_ == 1) {
    s.Bind(++i, ParametersToJson(r.parameters));
  } else {
    s.BindNull(++i);  // the run's, in run_parameters
  }
  s.Bind(++i, log_tail);
  s.Bind(
      ++i,
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  s.Step();
}

void ResultsStore::FinishRun(const RunRow& run) {
  Statement s(db_,
              "UPDATE runs SET status = 'finished', makespan_s = ?, jobs = ?, failed_jobs = ?, "
              "wall_s = ?, component_inputs = ? WHERE run_id = ?");
  s.Bind(1, run.makespan_s);
  s.Bind(2, run.jobs);
  s.Bind(3, run.failed_jobs);
  s.Bind(4, run.wall_s);
  s.Bind(5, Json(run.component_inputs).dump());
  s.Bind(6, run.run_id);
  s.Step();
  if (sqlite3_changes(db_) != 1) {
    throw std::runtime_error("results store: FinishRun for run " + std::to_string(run.run_id) +
                             " that was never begun");
  }
}

int ResultsStore::DiscardUnfinishedRuns() {
  int discarded = 0;
  InTransaction([&] {
    Execute(
        "DELETE FROM jobs WHERE run_id NOT IN (SELECT run_id FROM runs WHERE status = "
        "'finished')");
    Execute("DELETE FROM runs WHERE status != 'finished'");
    discarded = sqlite3_changes(db_);
  });
  return discarded;
}

std::vector<RunRow> ResultsStore::Runs() const {
  std::vector<RunRow> runs;
  Statement s(db_, (std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY run_id").c_str());
  while (s.Step()) runs.push_back(ReadRun(s));
  if (format_ != 1) {
    std::map<int, RunParameters> recorded = RecordedRunParameters();
    for (RunRow& run : runs) run.parameters = recorded[run.run_id];
  }
  return runs;
}

std::optional<RunRow> ResultsStore::FindRun(int run_id) const {
  Statement s(db_, (std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_id = ?").c_str());
  s.Bind(1, run_id);
  if (!s.Step()) return std::nullopt;
  RunRow run = ReadRun(s);
  if (format_ != 1) run.parameters = RecordedRunParameters()[run_id];
  return run;
}

void ResultsStore::RecordPlan(const std::vector<ParameterDeclaration>& declarations,
                              const std::vector<std::pair<int, RunParameters>>& runs) {
  InTransaction([&] {
    Execute("DELETE FROM run_parameters; DELETE FROM parameters;");
    InsertDeclarations(db_, declarations);
    const std::map<std::string, ParameterType> declared = ParameterTypeMap(declarations);
    for (const auto& [run_id, parameters] : runs) {
      InsertRunParameters(run_id, parameters, declared);
    }
  });
}

void ResultsStore::InsertRunParameters(int run_id, const RunParameters& parameters,
                                       const std::map<std::string, ParameterType>& declared) {
  for (const auto& [name, value] : parameters) {
    if (declared.count(name) == 0) {
      throw std::invalid_argument("results store " + path_ + ": run " + std::to_string(run_id) +
                                  " has parameter '" + name + "', which is not declared");
    }
    Statement insert(
        db_, "INSERT OR REPLACE INTO run_parameters (run_id, name, value) VALUES (?, ?, ?)");
    insert.Bind(1, run_id);
    insert.Bind(2, name);
    insert.Bind(3, value);
    insert.Step();
  }
}

std::map<int, RunParameters> ResultsStore::RecordedRunParameters() const {
  std::map<int, RunParameters> runs;
  Statement s(db_,
              "SELECT r.run_id, r.name, r.value FROM run_parameters r JOIN parameters p "
              "ON p.name = r.name ORDER BY r.run_id, p.position");
  while (s.Step()) runs[s.Int(0)].emplace_back(s.Text(1), s.Text(2));
  return runs;
}

bool ResultsStore::parameters_declared() const {
  if (format_ == 1) return false;
  Statement s(db_, "SELECT COUNT(*) FROM parameters");
  s.Step();
  return s.Int(0) > 0;
}

std::vector<ParameterDeclaration> ResultsStore::ParameterDeclarations() const {
  std::vector<ParameterDeclaration> declarations;
  if (format_ != 1) {
    Statement s(db_, "SELECT name, type FROM parameters ORDER BY position");
    while (s.Step()) {
      std::optional<ParameterType> type = ParseParameterType(s.Text(1));
      if (!type) {
        throw InputError(SourceLocation{path_}, "parameter '" + s.Text(0) + "' has type '" +
                                                    s.Text(1) + "' (expected number or text)");
      }
      declarations.push_back({s.Text(0), *type});
    }
    if (!declarations.empty()) return declarations;
  }
  // No declarations: the names of meta 'parameters', typed from the runs' values.
  std::vector<std::string> names;
  if (std::optional<std::string> text = GetMeta("parameters")) {
    try {
      names = Json::parse(*text).get<std::vector<std::string>>();
    } catch (const Json::exception& e) {
      throw InputError(SourceLocation{path_},
                       std::string("meta 'parameters' is not a JSON list of names: ") + e.what());
    }
  }
  std::vector<RunParameters> rows;
  for (const RunRow& run : Runs()) rows.push_back(run.parameters);
  return InferParameterTypes(names, rows);
}

void ResultsStore::Migrate() {
  try {
    InTransaction([&] {
      Execute(kParameterTables);
      format_ = 1;  // reads the runs' JSON parameters
      std::vector<ParameterDeclaration> declarations = ParameterDeclarations();
      std::vector<std::pair<int, RunParameters>> runs;
      for (const RunRow& run : Runs()) runs.emplace_back(run.run_id, run.parameters);
      InsertDeclarations(db_, declarations);
      const std::map<std::string, ParameterType> declared = ParameterTypeMap(declarations);
      for (const auto& [run_id, parameters] : runs) {
        RunParameters known;  // a run's parameter missing from meta 'parameters' stays in its JSON
        for (const auto& pair : parameters) {
          if (declared.count(pair.first)) known.push_back(pair);
        }
        InsertRunParameters(run_id, known, declared);
      }
      SetMeta("format", kFormat);
    });
  } catch (...) {
    format_ = 1;
    throw;
  }
  format_ = 2;
}

std::vector<StoredJob> ResultsStore::Jobs(const std::string& component) const {
  std::vector<StoredJob> jobs;
  std::string columns = StoredColumnList();
  for (const std::string& name : missing_job_columns_) {
    const size_t at = (", " + columns + ",").find(", " + name + ",");
    columns.replace(at, name.size(), "NULL AS " + name);
  }
  Statement s(db_, ("SELECT " + columns +
                    ", parameters, log_tail FROM jobs WHERE (? = '' OR component = ?) "
                    "ORDER BY run_id, seq")
                       .c_str());
  s.Bind(1, component);
  s.Bind(2, component);
  std::map<int, RunParameters> recorded;
  if (format_ != 1) recorded = RecordedRunParameters();
  while (s.Step()) {
    StoredJob job;
    int i = 0;
    for (const JobColumn& column : JobColumns()) {
      if (column.derived()) continue;
      switch (column.type()) {
        case JobColumn::Type::kText:
          column.SetText(job.record, s.Text(i++));
          break;
        case JobColumn::Type::kInteger:
          column.SetInteger(job.record, s.Int(i++));
          break;
        case JobColumn::Type::kReal:
          column.SetReal(job.record, s.Double(i++));  // NULL -> NaN
          break;
      }
    }
    if (s.IsNull(i)) {
      job.record.parameters = recorded[job.record.run_id];  // format 2: the run's
    } else {
      job.record.parameters = ParametersFromJson(s.Text(i));  // format 1 (or migrated)
    }
    ++i;
    job.log_tail = s.Text(i++);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

int ResultsStore::CountJobs(int run_id) const {
  Statement s(db_, "SELECT COUNT(*) FROM jobs WHERE run_id = ?");
  s.Bind(1, run_id);
  s.Step();
  return s.Int(0);
}

}  // namespace twinprof::profile
