#include "core/job_record.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <stdexcept>

#include "full_job_record.h"

namespace twinprof::test {
namespace {

TEST(JobRecord, PhasesAddUpToTotal) {
  JobRecord r;
  r.t_submit = 1.0;
  r.t_pod_start = 1.5;
  r.t_container_start = 3.0;
  r.t_exec_start = 3.25;
  r.t_exec_end = 10.0;
  r.t_finish = 10.5;
  EXPECT_DOUBLE_EQ(r.wait_s() + r.cold_start_s() + r.download_s() + r.compute_s() + r.upload_s(),
                   r.total_s());
  EXPECT_DOUBLE_EQ(r.compute_s(), 6.75);
}

TEST(JobRecord, CsvHasOneFieldPerColumn) {
  std::ostringstream out;
  JobCsvWriter writer(out, {"grayify.cpu", "note"});
  JobRecord r;
  r.component = "grayify";
  r.failure_reason = "exit 1, \"boom\"";
  r.parameters = {{"grayify.cpu", "0.5"}};
  writer.Write(r);
  std::string header, row;
  std::istringstream in(out.str());
  std::getline(in, header);
  std::getline(in, row);
  auto count_fields = [](const std::string& line) {
    int fields = 1;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) ++fields;
    }
    return fields;
  };
  EXPECT_EQ(count_fields(header), static_cast<int>(JobRecordColumns().size()) + 2);
  EXPECT_EQ(count_fields(row), count_fields(header));
  EXPECT_NE(row.find(",0.5,"), std::string::npos) << row;
}

TEST(JobRecord, DoublesRoundTrip) {
  double value = 0.1 + 0.2;
  EXPECT_EQ(std::stod(FormatDouble(value)), value);
  EXPECT_EQ(FormatDouble(kNotMeasured), "");
}

// The CSV form, pinned byte for byte: the header as format 1 always wrote it (with
// throttled_fraction, added later, after limits), and every field of a record whose fields all
// differ (a swapped column in the table changes this text).
TEST(JobRecord, CsvFormIsPinned) {
  std::ostringstream out;
  JobCsvWriter writer(out, {"grayify.cpu", "input", "absent"});
  writer.Write(test::FullJobRecord());
  EXPECT_EQ(out.str(),
            "campaign,run_id,repetition,component,job_id,source,cluster,node,node_type,arch,cpu,"
            "memory_mb,parallelism,input_bytes,output_bytes,output_files,t_submit,t_pod_start,"
            "t_container_start,t_exec_start,t_exec_end,t_finish,wait_s,cold_start_s,download_s,"
            "compute_s,upload_s,total_s,status,failure_reason,cpu_time_s,peak_memory_mb,limits,"
            "throttled_fraction,grayify.cpu,input,absent\n"
            "video-process,7,2,grayify,grayify:clip-3.mp4,oscar,edge,rpi-4,rpi4,arm64,0.75,384,3,"
            "1048576,65536.5,4,0.125,0.375,1.875,2.0625,9.5,10.25,0.25,1.5,0.1875,7.4375,0.75,"
            "10.125,failed,\"exit 3, \"\"boom\"\"\nsecond line\",6.125,201.5,"
            "cpu limit not enforced: cgroup read-only,0.375,0.75,clip-3.mp4,\n");
}

TEST(JobRecord, NotMeasuredIsAnEmptyCell) {
  std::ostringstream out;
  JobCsvWriter writer(out, {});
  JobRecord r;
  r.input_bytes = kNotMeasured;
  writer.Write(r);
  std::string text = out.str();
  EXPECT_EQ(text.substr(text.find('\n') + 1),
            ",0,0,,,,,,,,0,0,1,,0,0,0,0,0,0,0,0,0,0,0,0,0,0,succeeded,,,,enforced,\n");
}

TEST(JobColumns, DeclareTheRecordOnce) {
  const std::vector<JobColumn>& columns = JobColumns();
  ASSERT_EQ(columns.size(), 34u);
  std::set<std::string> names;
  int stored = 0;
  for (const JobColumn& column : columns) {
    EXPECT_TRUE(names.insert(column.name()).second) << column.name();
    stored += column.derived() ? 0 : 1;
    EXPECT_EQ(FindJobColumn(column.name()), &column);
  }
  EXPECT_EQ(stored, 28);
  EXPECT_EQ(columns.back().name(), "throttled_fraction") << "columns added later come last";
  EXPECT_EQ(FindJobColumn("nosuch"), nullptr);
  EXPECT_EQ(JobRecordColumns().size(), columns.size());
  EXPECT_EQ(JobRecordColumns()[22], "wait_s");
}

// Each setter writes the field its name says, and each getter reads it back.
TEST(JobColumns, GettersAndSettersMatchTheirNames) {
  JobRecord expected = test::FullJobRecord();
  JobRecord copy;
  copy.parameters = expected.parameters;
  for (const JobColumn& column : JobColumns()) {
    if (column.derived()) continue;
    switch (column.type()) {
      case JobColumn::Type::kText:
        column.SetText(copy, column.Text(expected));
        break;
      case JobColumn::Type::kInteger:
        column.SetInteger(copy, column.Integer(expected));
        break;
      case JobColumn::Type::kReal:
        column.SetReal(copy, column.Real(expected));
        break;
    }
  }
  test::ExpectSameRecord(copy, expected);
  EXPECT_EQ(FindJobColumn("node")->Text(expected), "rpi-4");
  EXPECT_EQ(FindJobColumn("parallelism")->Number(expected), 3);
  EXPECT_EQ(FindJobColumn("compute_s")->Number(expected), 7.4375);
  EXPECT_EQ(FindJobColumn("status")->allowed(), (std::vector<std::string>{"succeeded", "failed"}));
}

TEST(JobColumns, WrongTypeIsALogicError) {
  JobRecord r;
  EXPECT_THROW(FindJobColumn("node")->Number(r), std::logic_error);
  EXPECT_THROW(FindJobColumn("cpu")->Text(r), std::logic_error);
  EXPECT_THROW(FindJobColumn("run_id")->SetReal(r, 1), std::logic_error);
  EXPECT_THROW(FindJobColumn("total_s")->SetReal(r, 1), std::logic_error);
}

}  // namespace
}  // namespace twinprof::test
