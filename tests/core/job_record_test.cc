#include "core/job_record.h"

#include <gtest/gtest.h>

#include <sstream>

namespace twinprof {
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

}  // namespace
}  // namespace twinprof
