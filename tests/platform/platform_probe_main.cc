// simgrid_platform_probe XML [SRC DST]...: loads a SimGrid platform file in a fresh Engine, the way
// a SimGrid user would, and prints DumpSimGridPlatform for the given routes. Used by the XML
// export test, which runs it in a child process (one Engine per process).

#include <iostream>

#include "platform_probe.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc % 2 != 0) {
    std::cerr << "usage: simgrid_platform_probe PLATFORM.xml [SRC DST]...\n";
    return 2;
  }
  int engine_argc = 1;
  simgrid::s4u::Engine engine(&engine_argc, argv);
  engine.load_platform(argv[1]);
  engine.seal_platform();  // Engine::run would do it; routes are only complete once sealed
  std::vector<std::pair<std::string, std::string>> routes;
  for (int i = 2; i + 1 < argc; i += 2) routes.emplace_back(argv[i], argv[i + 1]);
  std::cout << twinprof::test::DumpSimGridPlatform(engine, routes);
  return 0;
}
