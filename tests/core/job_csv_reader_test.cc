// The job record CSV reader: it reads back what JobCsvWriter writes, field for field, and names
// FILE:LINE:COLUMN and the column for every bad cell.
#include "core/job_csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/yaml_file.h"
#include "full_job_record.h"

namespace twinprof::test {
namespace {

std::string Written(const std::vector<JobRecord>& records,
                    const std::vector<std::string>& parameters) {
  std::ostringstream out;
  JobCsvWriter writer(out, parameters);
  for (const JobRecord& r : records) writer.Write(r);
  return out.str();
}

// The message of the InputError that parsing `text` throws, with its location.
std::string ErrorOf(const std::string& text) {
  try {
    ParseJobCsv(text, "jobs.csv");
  } catch (const InputError& e) {
    return e.where().ToString() + ": " + e.message();
  }
  return "(no error)";
}

// A header and one good row, as the writer gives them, with `column` of the row set to `cell`.
std::string WithCell(const std::string& column, const std::string& cell) {
  JobRecord r = test::FullJobRecord();
  r.failure_reason = "plain";
  std::string text = Written({r}, {});
  std::istringstream in(text);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  std::vector<std::string> cells;
  std::stringstream split(row);
  for (std::string c; std::getline(split, c, ',');) cells.push_back(c);
  const std::vector<std::string>& names = JobRecordColumns();
  size_t index = std::find(names.begin(), names.end(), column) - names.begin();
  cells.at(index) = cell;
  std::string out = header + "\n";
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
  return out + "\n";
}

TEST(JobCsvReader, ReadsBackEveryFieldTheWriterWrites) {
  JobRecord full = test::FullJobRecord();
  JobRecord sparse = test::FullJobRecord();
  sparse.run_id = 8;
  sparse.status = "succeeded";
  sparse.input_bytes = kNotMeasured;
  sparse.output_bytes = kNotMeasured;
  sparse.cpu_time_s = kNotMeasured;
  sparse.peak_memory_mb = kNotMeasured;
  sparse.t_finish = 0.1 + 0.2 + 1e6;  // needs all 17 digits
  sparse.parameters = {{"input", "a,b \"c\""}};
  JobCsv csv = ParseJobCsv(Written({full, sparse}, {"grayify.cpu", "input"}), "jobs.csv");
  EXPECT_EQ(csv.path, "jobs.csv");
  EXPECT_EQ(csv.parameter_names, (std::vector<std::string>{"grayify.cpu", "input"}));
  ASSERT_EQ(csv.records.size(), 2u);
  test::ExpectSameRecord(csv.records[0], full);
  test::ExpectSameRecord(csv.records[1], sparse);
  // The first record spans two lines (its failure reason holds a line break).
  EXPECT_EQ(csv.lines, (std::vector<int>{2, 4}));
  EXPECT_EQ(csv.Where(1).ToString(), "jobs.csv:4");
}

TEST(JobCsvReader, TakesColumnsInAnyOrderWithoutDurationsAndWithCrlf) {
  JobRecord r = test::FullJobRecord();
  r.failure_reason = "";
  std::string header, row;
  for (const JobColumn& column : JobColumns()) {
    if (column.derived()) continue;
    header = column.name() + (header.empty() ? "" : ",") + header;  // reversed
    row = CsvField(column.Format(r)) + (row.empty() ? "" : ",") + row;
  }
  JobCsv csv = ParseJobCsv("mode," + header + "\r\n\r\nworkflow," + row + "\r\n", "x.csv");
  ASSERT_EQ(csv.records.size(), 1u);
  r.parameters = {{"mode", "workflow"}};
  test::ExpectSameRecord(csv.records[0], r);
  EXPECT_EQ(csv.lines[0], 3);
}

TEST(JobCsvReader, HeaderAloneGivesNoRecords) {
  JobCsv csv = ParseJobCsv(Written({}, {"p"}), "jobs.csv");
  EXPECT_TRUE(csv.records.empty());
  EXPECT_EQ(csv.parameter_names, std::vector<std::string>{"p"});
}

TEST(JobCsvReader, NamesFileLineColumnAndColumnOfBadCells) {
  // run_id is the 2nd column: it starts after "video-process," (column 15).
  EXPECT_EQ(ErrorOf(WithCell("run_id", "7.5")),
            "jobs.csv:2:15: column 'run_id': '7.5' is not an integer");
  EXPECT_NE(ErrorOf(WithCell("t_submit", "nan")).find("jobs.csv:2:"), std::string::npos);
  EXPECT_NE(ErrorOf(WithCell("t_submit", "nan")).find("'nan' is not a finite number"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithCell("t_finish", "")).find("column 't_finish' is empty"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithCell("cpu", "half")).find("column 'cpu': 'half' is not a number"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithCell("cpu_time_s", "inf")).find("leave the cell empty"), std::string::npos);
  EXPECT_NE(ErrorOf(WithCell("job_id", "")).find("column 'job_id' is empty"), std::string::npos);
  EXPECT_NE(ErrorOf(WithCell("status", "ok")).find("'ok' is not one of succeeded, failed"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithCell("total_s", "11"))
                .find("disagrees with the timestamps, which give "
                      "10.125"),
            std::string::npos);
}

TEST(JobCsvReader, NamesBadStructure) {
  EXPECT_EQ(ErrorOf("").rfind("jobs.csv:1: empty file", 0), 0u) << ErrorOf("");
  std::string text = Written({test::FullJobRecord()}, {});
  std::string header = text.substr(0, text.find('\n'));
  // A missing column names it.
  std::string without = header;
  without.replace(without.find(",limits"), 7, "");
  EXPECT_NE(ErrorOf(without + "\n").find("jobs.csv:1:1: missing column limits"), std::string::npos)
      << ErrorOf(without + "\n");
  // A repeated column names where it repeats.
  EXPECT_NE(ErrorOf(header + ",cpu\n").find("column 'cpu' appears twice"), std::string::npos);
  // Too few and too many fields.
  EXPECT_NE(ErrorOf(header + "\na,1\n").find("jobs.csv:2:4: expected 34 fields"), std::string::npos)
      << ErrorOf(header + "\na,1\n");
  EXPECT_NE(ErrorOf(WithCell("limits", "x,y"))
                .find("expected 34 fields (as in the header), "
                      "found 35"),
            std::string::npos);
  // Quotes.
  EXPECT_NE(ErrorOf(header + "\n\"open").find("jobs.csv:2:1: unterminated quoted field"),
            std::string::npos);
  EXPECT_NE(ErrorOf(header + "\n\"a\"b,").find("jobs.csv:2:4: text after the closing quote"),
            std::string::npos);
  // Not text.
  EXPECT_NE(ErrorOf(std::string("campaign\0", 9)).find("not a text file"), std::string::npos);
}

// The example of docs/formats.md, "Job record": quoted there verbatim, and read to these values.
TEST(JobCsvReader, ReadsTheDocumentedExample) {
  std::string path = std::string(TWINPROF_SOURCE_DIR) + "/tests/data/jobs/example.csv";
  std::string docs = ReadTextFile(std::string(TWINPROF_SOURCE_DIR) + "/docs/formats.md");
  EXPECT_NE(docs.find("```csv\n" + ReadTextFile(path) + "```"), std::string::npos);
  JobCsv csv = ReadJobCsv(path);
  EXPECT_EQ(csv.parameter_names, (std::vector<std::string>{"mode", "grayify.cpu"}));
  ASSERT_EQ(csv.records.size(), 2u);
  const JobRecord& local = csv.records[0];
  EXPECT_EQ(local.source, "local");
  EXPECT_EQ(local.input_bytes, 1048576);
  EXPECT_EQ(local.compute_s(), 4.375);
  EXPECT_EQ(local.cpu_time_s, 4.25);
  EXPECT_EQ(local.parameters, (std::vector<std::pair<std::string, std::string>>{
                                  {"mode", "workflow"}, {"grayify.cpu", "1"}}));
  const JobRecord& oscar = csv.records[1];
  EXPECT_EQ(oscar.run_id, 1);
  EXPECT_EQ(oscar.node_type, "rpi4");
  EXPECT_EQ(oscar.parallelism, 2);
  EXPECT_TRUE(std::isnan(oscar.input_bytes));
  EXPECT_TRUE(std::isnan(oscar.cpu_time_s));
  EXPECT_EQ(oscar.total_s(), 19.5);
  EXPECT_EQ(oscar.status, "failed");
  EXPECT_EQ(oscar.failure_reason, "exit 1, see log");
}

TEST(JobCsvReader, UnreadableFileIsAnInputError) {
  EXPECT_THROW(ReadJobCsv("/nonexistent/jobs.csv"), InputError);
}

}  // namespace
}  // namespace twinprof::test
