// What a job's log (GET /system/logs/{service}/{job}?timestamps=true) tells about the job.
//
// The FaaS Supervisor logs with Python's logging format
//   "2024-05-01 10:20:30,123 - supervisor - INFO - MESSAGE"
// (asctime: the container's local time, UTC in OSCAR's images, millisecond resolution), and with
// timestamps=true Kubernetes prefixes each line with the time it was written, RFC 3339 with
// nanoseconds in UTC ("2024-05-01T10:20:30.123456789Z "). The lines that matter:
//   "Script file found in '/oscar/config/script.sh'"  -> the user script starts
//   "Searching for files to upload in folder '...'"   -> the user script has ended
//   "Uploading file 'KEY' to bucket 'B'"              -> one output file; its upload ends when the
//                                                        next line is written
//   "event_records = {... 'size': N ... 'eventTime': 'T' ...}" -> a MinIO-triggered job's input
//   "INPUT_FILE_PATH variable set to 'PATH'"         -> where the input was stored
//   "Downloading item from bucket 'B' with key 'KEY'" -> the same job's input, logged whether or
//                                                        not the storage event is (not all
//                                                        supervisor versions and log levels log it)
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace twinprof::profile::oscar {

// One output file the job uploaded.
struct UploadedObject {
  std::string bucket;
  std::string key;
  std::optional<double> start;  // the "Uploading file" line
  std::optional<double> end;    // the next line of the log (nullopt when there is none yet)
};

struct SupervisorLog {
  // Seconds since the epoch (UTC); nullopt when the line is absent.
  std::optional<double> script_start;
  std::optional<double> script_end;
  int output_files = 0;
  std::vector<UploadedObject> uploads;  // in log order
  // From a storage event (MinIO/S3): the object's size and when it was created.
  std::optional<double> input_bytes;
  std::optional<double> input_event_time;
  std::string input_key;  // the object's key ("" when the job was not bucket-triggered)
  // From the download line: the bucket the input came from ("" when there is no such line), and
  // when the download started. input_key is set from this line when the event is not logged.
  std::string input_bucket;
  std::optional<double> download_start;
  // The "INPUT_FILE_PATH variable set to 'PATH'" line: where the input was stored. For an
  // invocation (POST /job) OSCAR names it event-file-<uuid4>, whatever the upload was called.
  std::string input_path;
};

// Parses a whole log. Lines it does not recognise are skipped. The supervisor's own millisecond
// timestamp is used; when the Kubernetes prefix is present as well, it corrects the supervisor's
// time zone (the difference rounded to a quarter hour).
SupervisorLog ParseSupervisorLog(const std::string& log);

}  // namespace twinprof::profile::oscar
