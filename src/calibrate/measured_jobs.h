// MeasuredJobs: the job records a calibration fits, checked against the scenario and annotated
// with what the fit needs: the component, the node type, and the node's occupancy while each job
// computed.
//
// A record counts when it succeeded and its component is in the scenario's workflow. Its node
// type is the record's, or else the component's placement (node_type, or the only node type of
// its cluster). Occupancy is read from the records themselves: the other jobs of the same data
// file, run, repetition and node whose compute intervals overlap this job's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/job_record.h"
#include "profile/job_records_source.h"
#include "sim/scenario.h"

namespace twinprof::calibrate {

// A stretch of a job's compute during which the node's occupancy did not change.
struct OccupancyPiece {
  double seconds = 0;
  // Other jobs computing on the node at the same moment as this one (sim::OthersAtOnce: all
  // of them while their cores fit beside its own, the share its free cores hold otherwise).
  double others = 0;
  // max(1, cores wanted by all computing jobs / node cores). CollectMeasuredJobs counts each
  // job's cpu limit, UpdateCoreSharing the cores its Amdahl law lets it use (here and in others).
  double oversubscription = 1;
  std::vector<size_t> computing;  // the jobs computing (itself included), MeasuredJobs::jobs index
};

struct MeasuredJob {
  const JobRecord* record = nullptr;
  SourceLocation where;
  int data_file = 0;  // index into the data sets
  workflow::ComponentId component = 0;
  std::string node_type;
  int node_cores = 1;
  std::vector<OccupancyPiece> occupancy;  // covers [t_exec_start, t_exec_end]
  bool first_on_node = false;             // the first job of its component on its node in its run
  bool slot_was_free = false;  // fewer than `parallelism` jobs of its component were running
                               // and its node had room for its cpu when it was submitted
                               // (its wait is the scheduling delay)
  // The mean number of transfers (downloads and uploads of its cluster's jobs in its run,
  // its own included) during its download and its upload: they share the storage link.
  double download_sharing = 1;
  double upload_sharing = 1;

  // The mean number of other jobs computing on the node during its compute.
  double MeanOthers() const;
};

struct MeasuredJobs {
  std::vector<MeasuredJob> jobs;
  std::vector<int> records_per_component;  // indexed by ComponentId
  std::vector<std::string> data_paths;
  int failed = 0;   // failed records left out
  int ignored = 0;  // records without compute time (compute_s <= 0) left out
};

// Checks and annotates `data` (which must outlive the result). Throws InputError naming the
// file (and line, for a CSV): a data set without records, or with only failed ones; a record of
// a component the workflow lacks (records of another workflow); a node type the platform lacks;
// a record without a node type where the placement does not give one; non-finite times; and a
// workflow component without any succeeded record in all the data.
MeasuredJobs CollectMeasuredJobs(const sim::Scenario& scenario,
                                 const std::vector<profile::JobRecordSet>& data);

// Recomputes every piece's oversubscription and others with `cores_wanted(job)` cores wanted by
// each job computing then (a single-threaded job under a 2-core limit wants 1 core, not 2).
// `on_cpu_share(job)` (if given) is the share of a job's compute phase it spends on the CPU: an
// other job counts that share of itself and of its cores (where in its phase it was off the CPU
// the records do not say); a job's own cores count whole.
void UpdateCoreSharing(MeasuredJobs& measured,
                       const std::function<double(const MeasuredJob&)>& cores_wanted,
                       const std::function<double(const MeasuredJob&)>& on_cpu_share = nullptr);

}  // namespace twinprof::calibrate
