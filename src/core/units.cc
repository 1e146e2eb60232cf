#include "core/units.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

namespace twinprof {
namespace {

struct Unit {
  std::string_view suffix;
  double factor;
};

// Splits "  2.5Gf " into 2.5 and "Gf". Throws when the number part is malformed.
std::pair<double, std::string_view> SplitNumber(std::string_view text, std::string_view what,
                                                std::string_view examples) {
  auto fail = [&](const std::string& why) -> std::pair<double, std::string_view> {
    throw UnitError("'" + std::string(text) + "' is not a valid " + std::string(what) + ": " + why +
                    " (expected e.g. " + std::string(examples) + ")");
  };
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return fail("empty value");
  if (s.front() == '+') s.remove_prefix(1);
  if (!s.empty() && s.front() == '-') return fail("negative values are not allowed");
  // The number: digits [. digits] [e [+-] digits]. std::from_chars alone would accept "inf"/"nan".
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i - start;
  };
  size_t int_digits = digits();
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_digits = digits();
  }
  if (int_digits + frac_digits == 0) return fail("it does not start with a number");
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t save = i;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) i = save;  // "2E" could be an (unknown) unit; let the unit check say so
  }
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + i, value);
  if (ec == std::errc::result_out_of_range || !std::isfinite(value)) {
    return fail("the number is out of range");
  }
  if (ec != std::errc() || end != s.data() + i) return fail("malformed number");
  std::string_view unit = s.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return {value, unit};
}

double Parse(std::string_view text, std::string_view what, std::string_view examples,
             const std::vector<Unit>& units) {
  auto [value, unit] = SplitNumber(text, what, examples);
  for (const Unit& u : units) {
    if (u.suffix == unit) {
      double result = value * u.factor;
      if (!std::isfinite(result)) {
        throw UnitError("'" + std::string(text) + "' is not a valid " + std::string(what) +
                        ": the number is out of range");
      }
      return result;
    }
  }
  std::string known;
  for (const Unit& u : units) {
    if (u.suffix.empty()) continue;
    if (!known.empty()) known += ", ";
    known += u.suffix;
  }
  throw UnitError("'" + std::string(text) + "' is not a valid " + std::string(what) +
                  ": unknown unit '" + std::string(unit) + "' (expected e.g. " +
                  std::string(examples) + "; units: " + known + ")");
}

constexpr double kKi = 1024.0;

// Decimal and binary prefixes, each followed by `tail` (e.g. "B", "Bps"), with the plain unit.
std::vector<Unit> Prefixed(std::vector<std::string_view> tails, double base_factor,
                           bool allow_binary, std::vector<std::string>& storage) {
  static const std::pair<std::string_view, double> kDecimal[] = {
      {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18}};
  static const std::pair<std::string_view, double> kBinary[] = {
      {"Ki", kKi},
      {"Mi", kKi * kKi},
      {"Gi", kKi * kKi * kKi},
      {"Ti", kKi * kKi * kKi * kKi},
      {"Pi", kKi * kKi * kKi * kKi * kKi},
      {"Ei", kKi * kKi * kKi * kKi * kKi * kKi}};
  storage.reserve(storage.size() + tails.size() * 14);
  std::vector<Unit> units;
  for (std::string_view tail : tails) {
    units.push_back({tail, base_factor});
    for (auto [prefix, factor] : kDecimal) {
      storage.push_back(std::string(prefix) + std::string(tail));
      units.push_back({storage.back(), factor * base_factor});
    }
    if (allow_binary) {
      for (auto [prefix, factor] : kBinary) {
        storage.push_back(std::string(prefix) + std::string(tail));
        units.push_back({storage.back(), factor * base_factor});
      }
    }
  }
  return units;
}

// Unit tables are built once; they are immutable afterwards.
struct UnitTables {
  std::vector<std::string> storage;
  std::vector<Unit> flops, bandwidth, size;
  UnitTables() {
    storage.reserve(512);  // string_views point into it: it must not reallocate
    flops = Prefixed({"f", "flops", "Flops"}, 1.0, false, storage);
    flops.push_back({"", 1.0});
    bandwidth = Prefixed({"Bps", "B/s"}, 1.0, true, storage);
    auto bits = Prefixed({"bps", "bit/s"}, 1.0 / 8.0, true, storage);
    bandwidth.insert(bandwidth.end(), bits.begin(), bits.end());
    bandwidth.push_back({"", 1.0});
    size = Prefixed({"", "B"}, 1.0, true, storage);
  }
};

const UnitTables& Tables() {
  static const UnitTables tables;
  return tables;
}

}  // namespace

double ParseFlops(std::string_view text) {
  return Parse(text, "flop rate", "2.5Gf, 800Mf, 1e9", Tables().flops);
}

double ParseBandwidth(std::string_view text) {
  return Parse(text, "bandwidth", "100MBps, 1Gbps, 125MBps", Tables().bandwidth);
}

double ParseSize(std::string_view text) {
  return Parse(text, "size", "512Mi, 1Gi, 20MB, 1500", Tables().size);
}

double ParseDuration(std::string_view text) {
  static const std::vector<Unit> kUnits = {{"", 1.0},     {"s", 1.0},    {"ns", 1e-9},
                                           {"us", 1e-6},  {"ms", 1e-3},  {"m", 60.0},
                                           {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}};
  return Parse(text, "duration", "1.5s, 200ms, 2m", kUnits);
}

double ParseCpu(std::string_view text) {
  static const std::vector<Unit> kUnits = {{"", 1.0}, {"m", 1e-3}};
  return Parse(text, "CPU amount", "500m, '1.0', 2", kUnits);
}

namespace {
std::string Printf(const char* format, double value, const char* unit) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value, unit);
  return buffer;
}
}  // namespace

std::string FormatBytes(double bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int i = 0;
  while (std::fabs(bytes) >= 1024.0 && i < 5) {
    bytes /= 1024.0;
    ++i;
  }
  return Printf(i == 0 ? "%.0f %s" : "%.3g %s", bytes, kUnits[i]);
}

std::string FormatSeconds(double seconds) {
  if (std::fabs(seconds) < 1e-3) return Printf("%.3g %s", seconds * 1e6, "us");
  if (std::fabs(seconds) < 1.0) return Printf("%.3g %s", seconds * 1e3, "ms");
  if (std::fabs(seconds) < 120.0) return Printf("%.3g %s", seconds, "s");
  if (std::fabs(seconds) < 7200.0) return Printf("%.3g %s", seconds / 60.0, "min");
  return Printf("%.3g %s", seconds / 3600.0, "h");
}

std::string FormatFlops(double flops) {
  static const char* kUnits[] = {"f", "kf", "Mf", "Gf", "Tf", "Pf"};
  int i = 0;
  while (std::fabs(flops) >= 1000.0 && i < 5) {
    flops /= 1000.0;
    ++i;
  }
  return Printf("%.4g %s", flops, kUnits[i]);
}

std::string FormatElapsed(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  char text[32];
  long s = std::lround(seconds);
  if (seconds < 9.95) {
    std::snprintf(text, sizeof text, "%.1fs", seconds);
  } else if (s >= 3600) {
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  } else if (s >= 60) {
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%lds", s);
  }
  return text;
}

}  // namespace twinprof
