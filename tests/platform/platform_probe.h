// A text dump of what SimGrid made of a platform, the same for a platform built in memory and one
// loaded from XML, so that tests can compare the two.
#pragma once

#include <simgrid/s4u.hpp>
#include <string>
#include <utility>
#include <vector>

namespace twinprof::test {

// One line per host (sorted by name: cores, speed, properties), per link (sorted by name:
// bandwidth, latency), and per requested route (its links in order and its latency).
std::string DumpSimGridPlatform(const simgrid::s4u::Engine& engine,
                                const std::vector<std::pair<std::string, std::string>>& routes);

}  // namespace twinprof::test
