// Parsing of the quantities that appear in our files: flop rates, bandwidths, sizes, durations
// and CPU amounts.
//
// A quantity is a plain decimal number (optionally with an exponent: 1e9) followed by an optional
// unit. Decimal prefixes (k, M, G, T, P, E) are powers of 1000; binary ones (Ki, Mi, Gi, Ti, Pi,
// Ei) powers of 1024, as in Kubernetes quantities. Negative, infinite or NaN values are rejected.
// Each parser throws UnitError, whose message names the value and what was expected; loaders add
// the file and line.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace twinprof {

class UnitError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Flop rate or amount: "2.5Gf", "800Mf", "1e9", "3 Gflops". Returns flops (per second).
double ParseFlops(std::string_view text);

// Bandwidth: "100MBps", "125MBps", "1Gbps" (bits), "10MiBps". Plain numbers are bytes per
// second. Returns bytes per second.
double ParseBandwidth(std::string_view text);

// Size: "512Mi", "1Gi", "20MB", "1.2GB", "1500", "4KiB". Kubernetes memory semantics (M = 10^6,
// Mi = 2^20; "B" optional). Returns bytes.
double ParseSize(std::string_view text);

// Duration: "1.5s", "200ms", "100us", "2m", "1h". Plain numbers are seconds. Returns seconds.
double ParseDuration(std::string_view text);

// CPU amount with Kubernetes semantics: "500m" (millicores), "1.0", "2". Returns cores.
double ParseCpu(std::string_view text);

// Human-readable forms, used in messages and reports ("1.5 GiB", "250 ms", "2.5 Gf").
std::string FormatBytes(double bytes);
std::string FormatSeconds(double seconds);
std::string FormatFlops(double flops);

// A wall-clock duration as people read elapsed and remaining times: "0.4s", "42s", "1m12s",
// "2h03m" (tenths below 10 s, where a pipeline's quick steps differ); "?" when negative or not
// finite (an estimate not yet known).
std::string FormatElapsed(double seconds);

}  // namespace twinprof
