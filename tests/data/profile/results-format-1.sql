-- A results store as format 1 wrote it before the job columns were declared once (commit c1f35e3:
-- this schema is that commit's kSchema, verbatim). tests/profile/results_store_test.cc builds a
-- results.sqlite from this file and checks that today's code opens it, reads every value, and
-- declares the jobs table with the same columns, types and constraints.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  run_id INTEGER PRIMARY KEY, run_key TEXT NOT NULL, repetition INTEGER NOT NULL,
  mode TEXT NOT NULL, parameters TEXT NOT NULL, status TEXT NOT NULL,
  makespan_s REAL, jobs INTEGER, failed_jobs INTEGER, wall_s REAL, component_inputs TEXT);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  campaign TEXT, run_id INTEGER NOT NULL, repetition INTEGER, component TEXT NOT NULL,
  job_id TEXT NOT NULL, source TEXT, cluster TEXT, node TEXT, node_type TEXT, arch TEXT,
  cpu REAL, memory_mb REAL, parallelism INTEGER, input_bytes REAL, output_bytes REAL,
  output_files INTEGER, t_submit REAL, t_pod_start REAL, t_container_start REAL,
  t_exec_start REAL, t_exec_end REAL, t_finish REAL, status TEXT, failure_reason TEXT,
  cpu_time_s REAL, peak_memory_mb REAL, limits TEXT, parameters TEXT, log_tail TEXT,
  committed_at REAL, UNIQUE (run_id, job_id));
INSERT INTO meta VALUES ('format', 'twinprof-results-1');
INSERT INTO meta VALUES ('campaign', 'video-process');
INSERT INTO meta VALUES ('backend', 'local');
INSERT INTO meta VALUES ('parameters', '["grayify.cpu","input"]');
INSERT INTO runs VALUES (0, 'grayify.cpu=0.5 input=a.mp4', 0, 'workflow',
  '[["grayify.cpu","0.5"],["input","a.mp4"]]', 'finished', 7.25, 2, 1, 8.5,
  '{"grayify":["a.mp4"]}');
INSERT INTO runs VALUES (1, 'grayify.cpu=1 input=a.mp4', 1, 'single:grayify',
  '[["grayify.cpu","1"],["input","a.mp4"]]', 'running', NULL, NULL, NULL, NULL, NULL);
INSERT INTO jobs VALUES (1, 'video-process', 0, 0, 'grayify', 'grayify-0', 'local',
  'laptop', 'node-1', 'x86', 'x86_64', 0.5, 256.0, 2, 1048576.0, 524288.0, 3,
  0.125, 0.25, 1.5, 1.75, 6.5, 7.0, 'succeeded', '', 5.875, 120.5, 'enforced',
  '[["grayify.cpu","0.5"],["input","a.mp4"]]', 'frame 1
frame 2', 1764979200.5);
INSERT INTO jobs VALUES (2, 'video-process', 0, 0, 'split', 'split-0', 'local',
  'laptop', 'node-1', 'x86', 'x86_64', 1.0, 512.0, 1, NULL, NULL, 0,
  0.0, 0.0625, 0.0625, 0.0625, 0.0625, 7.25, 'failed', 'exit 3, "boom"', NULL, NULL,
  'cpu limit not enforced: cgroup read-only',
  '[["grayify.cpu","0.5"],["input","a.mp4"]]', '', 1764979201.25);
INSERT INTO jobs VALUES (3, 'video-process', 1, 1, 'grayify', 'grayify-0', 'local',
  'laptop', 'node-1', 'x86', 'x86_64', 1.0, 256.0, 1, 1048576.0, 0.0, 0,
  0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 'succeeded', '', 0.5, 100.0, 'enforced',
  '[["grayify.cpu","1"],["input","a.mp4"]]', '', 1764979202.0);
