// The OSCAR services of one run: one per deployed component, with FDL semantics.
//
// cpu and memory are the deployment's (per job); total_cpu = cpu x parallelism and total_memory
// likewise, which is how OSCAR caps a service's concurrent jobs. Bucket paths come from the FDL
// when the workflow is one (its input/output paths); otherwise they are generated in the bucket
// `options.bucket` (default: the workflow's name): BUCKET/COMPONENT is a component's input
// folder, and a component's outputs go to the input folders of its deployed successors, or to
// BUCKET/COMPONENT-out when none is deployed (so a component tested alone triggers nothing).
#pragma once

#include <vector>

#include "profile/backend.h"
#include "profile/oscar/oscar_client.h"
#include "profile/oscar/oscar_options.h"

namespace twinprof::profile::oscar {

// Throws InputError (at the component's definition) when a component has no image for
// options.arch or its script cannot be read.
std::vector<ServiceSpec> BuildServiceSpecs(const RunRequest& request, const OscarOptions& options);

// A DNS-1123 label from free text ("Video Process" -> "video-process"), as OSCAR names require.
std::string DnsLabel(const std::string& text);

}  // namespace twinprof::profile::oscar
