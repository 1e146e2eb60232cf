// The YAML platform loader (docs/formats.md, "Platform"). Each value is checked where it is, so
// that errors point at the offending field; ValidatePlatform then checks the whole.

#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/yaml_file.h"
#include "platform/platform.h"

namespace twinprof::platform {
namespace {

using Limits = PlatformLimits;

class PlatformReader {
 public:
  explicit PlatformReader(const YamlFile& file) : file_(file) {}

  Platform Read() {
    const YAML::Node& root = file_.root();
    file_.ExpectMap(root, "a platform file");
    file_.CheckKeys(root, {"name", "description", "node_types", "clusters", "links", "overheads"},
                    "the platform", nullptr);
    platform_.source_file = file_.path();
    platform_.name = file_.String(file_.Required(root, "name"), "name");
    if (platform_.name.empty()) file_.Fail(root["name"], "name must not be empty");
    if (YAML::Node description = YamlFile::Optional(root, "description"); description) {
      platform_.description = file_.String(description, "description");
    }
    ReadNodeTypes(file_.Required(root, "node_types"));
    ReadClusters(file_.Required(root, "clusters"));
    if (YAML::Node links = YamlFile::Optional(root, "links"); links && !links.IsNull()) {
      ReadLinks(links);
    }
    ReadOverheads(file_.Required(root, "overheads"));
    ValidatePlatform(platform_);
    return std::move(platform_);
  }

 private:
  // A map key naming a node type or cluster: valid and not yet used.
  std::string Name(const YAML::Node& key, const std::string& what,
                   std::map<std::string, SourceLocation>& seen) const {
    std::string name = file_.String(key, what + " name");
    if (!IsValidPlatformName(name)) {
      file_.Fail(key, what + " name '" + name +
                          "' is not valid: use letters, digits, '_', '.', '-' (starting with a "
                          "letter or digit, at most 64 characters)");
    }
    if (auto [it, inserted] = seen.emplace(name, file_.Where(key)); !inserted) {
      file_.Fail(key, "duplicate " + what + " '" + name + "' (first defined at " +
                          it->second.ToString() + ")");
    }
    return name;
  }

  // Reads `section` (node_types or clusters): a map, not empty, from valid names used once (`kind`:
  // "node type", "cluster") to maps with the `keys` given. Calls read(name, key, body, what) for
  // each entry in file order, `what` naming it for messages ("cluster 'edge'").
  template <typename Read>
  void ReadNamedEntries(const YAML::Node& section, const std::string& section_name,
                        const std::string& kind, std::initializer_list<std::string_view> keys,
                        Read read) {
    file_.ExpectMap(section, section_name);
    if (section.size() == 0) {
      file_.Fail(section, section_name + " must define at least one " + kind);
    }
    std::map<std::string, SourceLocation> seen;
    for (const auto& entry : section) {
      const std::string name = Name(entry.first, kind, seen);
      const YAML::Node& body = entry.second;
      const std::string what = kind + " '" + name + "'";
      file_.ExpectMap(body, what);
      file_.CheckKeys(body, keys, what, nullptr);
      read(name, entry.first, body, what);
    }
  }

  // A positive quantity no larger than `max`.
  template <typename Parse>
  double Positive(const YAML::Node& node, const std::string& what, double max, Parse parse,
                  bool zero_ok = false) const {
    double value = parse(node, what);
    if (value == 0 && !zero_ok) file_.Fail(node, what + " must be positive, not " + node.Scalar());
    if (value > max) file_.Fail(node, what + " " + node.Scalar() + " is absurdly large");
    return value;
  }
  double Bandwidth(const YAML::Node& node, const std::string& what) const {
    return Positive(
        node, what, Limits::kMaxBandwidth,
        [&](const YAML::Node& n, const std::string& w) { return file_.Bandwidth(n, w); });
  }
  double Duration(const YAML::Node& node, const std::string& what, double max) const {
    return Positive(
        node, what, max,
        [&](const YAML::Node& n, const std::string& w) { return file_.Duration(n, w); }, true);
  }

  void ReadNodeTypes(const YAML::Node& types) {
    ReadNamedEntries(
        types, "node_types", "node type", {"arch", "cores", "speed", "memory", "price_per_hour"},
        [&](const std::string& name, const YAML::Node& key, const YAML::Node& body,
            const std::string& /*what*/) {
          NodeType type;
          type.name = name;
          type.where = file_.Where(key);

          YAML::Node arch = file_.Required(body, "arch");
          type.arch = file_.String(arch, "arch");
          if (type.arch == "amd64") type.arch = "x86_64";
          if (type.arch == "aarch64") type.arch = "arm64";
          if (type.arch != "x86_64" && type.arch != "arm64") {
            file_.Fail(arch, "arch '" + type.arch + "' is not x86_64 or arm64 (or amd64, aarch64)");
          }
          type.cores = static_cast<int>(
              file_.Integer(file_.Required(body, "cores"), "cores", 1, Limits::kMaxCores));
          type.speed = Positive(
              file_.Required(body, "speed"), "speed (flops per second of one core)",
              Limits::kMaxSpeed,
              [&](const YAML::Node& n, const std::string& w) { return file_.Flops(n, w); });
          type.memory_bytes =
              Positive(file_.Required(body, "memory"), "memory", Limits::kMaxMemory,
                       [&](const YAML::Node& n, const std::string& w) { return file_.Size(n, w); });
          if (YAML::Node price = YamlFile::Optional(body, "price_per_hour"); price) {
            type.price_per_hour = file_.Number(price, "price_per_hour");
            if (type.price_per_hour < 0) file_.Fail(price, "price_per_hour must not be negative");
            if (type.price_per_hour > Limits::kMaxPricePerHour) {
              file_.Fail(price, "price_per_hour " + price.Scalar() + " is absurdly large");
            }
          }
          platform_.node_types.push_back(std::move(type));
        });
  }

  NetworkLink ReadNetwork(const YAML::Node& node, const std::string& what) const {
    file_.ExpectMap(node, what);
    file_.CheckKeys(node, {"bandwidth", "latency"}, what, nullptr);
    NetworkLink link;
    link.bandwidth = Bandwidth(file_.Required(node, "bandwidth"), what + " bandwidth");
    link.latency =
        Duration(file_.Required(node, "latency"), what + " latency", Limits::kMaxLatency);
    return link;
  }

  void ReadClusters(const YAML::Node& clusters) {
    ReadNamedEntries(
        clusters, "clusters", "cluster", {"nodes", "lan", "storage"},
        [&](const std::string& name, const YAML::Node& key, const YAML::Node& body,
            const std::string& what) {
          Cluster cluster;
          cluster.name = name;
          cluster.where = file_.Where(key);

          YAML::Node nodes = file_.Required(body, "nodes");
          file_.ExpectMap(nodes, what + ": nodes");
          if (nodes.size() == 0)
            file_.Fail(nodes, what + ": nodes must list at least one node type");
          std::set<std::string> types;
          for (const auto& count : nodes) {
            std::string type = file_.String(count.first, "node type");
            if (platform_.FindNodeType(type) == nullptr) {
              std::string known;
              for (const NodeType& t : platform_.node_types)
                known += (known.empty() ? "" : ", ") + t.name;
              file_.Fail(count.first, "unknown node type '" + type + "' (known: " + known + ")");
            }
            if (!types.insert(type).second) {
              file_.Fail(count.first, what + ": node type '" + type + "' is listed twice");
            }
            int n = static_cast<int>(
                file_.Integer(count.second, "node count of '" + type + "'", 1, Limits::kMaxNodes));
            cluster.nodes.emplace_back(type, n);
          }
          cluster.lan = ReadNetwork(file_.Required(body, "lan"), what + ": lan");
          cluster.storage = ReadNetwork(file_.Required(body, "storage"), what + ": storage");
          platform_.clusters.push_back(std::move(cluster));
        });
  }

  void ReadLinks(const YAML::Node& links) {
    file_.ExpectSequence(links, "links");
    for (const YAML::Node& entry : links) {
      file_.ExpectMap(entry, "a link");
      file_.CheckKeys(entry, {"between", "bandwidth", "latency"}, "a link", nullptr);
      ClusterLink link;
      link.where = file_.Where(entry);
      YAML::Node between = file_.Required(entry, "between");
      if (!between.IsSequence() || between.size() != 2) {
        file_.Fail(between, "between must list exactly two clusters: [a, b]");
      }
      link.a = file_.String(between[0], "cluster name");
      link.b = file_.String(between[1], "cluster name");
      for (size_t i = 0; i < 2; ++i) {
        std::string name = between[i].Scalar();
        if (platform_.FindCluster(name) == nullptr) {
          std::string known;
          for (const Cluster& c : platform_.clusters) known += (known.empty() ? "" : ", ") + c.name;
          file_.Fail(between[i], "unknown cluster '" + name + "' (known: " + known + ")");
        }
      }
      if (link.a == link.b) file_.Fail(between, "link joins cluster '" + link.a + "' to itself");
      if (const ClusterLink* first = platform_.FindLink(link.a, link.b); first != nullptr) {
        file_.Fail(between, "a second link between '" + link.a + "' and '" + link.b +
                                "' (first at " + first->where.ToString() + ")");
      }
      const std::string what = "link " + link.a + "-" + link.b;
      link.link.bandwidth = Bandwidth(file_.Required(entry, "bandwidth"), what + " bandwidth");
      link.link.latency =
          Duration(file_.Required(entry, "latency"), what + " latency", Limits::kMaxLatency);
      platform_.links.push_back(std::move(link));
    }
  }

  void ReadOverheads(const YAML::Node& node) {
    file_.ExpectMap(node, "overheads");
    file_.CheckKeys(node, {"scheduling", "pod_start", "image_pull_bandwidth", "images_cached"},
                    "overheads", nullptr);
    Overheads& overheads = platform_.overheads;
    overheads.scheduling_s =
        Duration(file_.Required(node, "scheduling"), "scheduling", Limits::kMaxOverhead);
    overheads.pod_start_s =
        Duration(file_.Required(node, "pod_start"), "pod_start", Limits::kMaxOverhead);
    overheads.image_pull_bandwidth =
        Bandwidth(file_.Required(node, "image_pull_bandwidth"), "image_pull_bandwidth");
    if (YAML::Node cached = YamlFile::Optional(node, "images_cached"); cached) {
      overheads.images_cached = file_.Bool(cached, "images_cached");
    }
  }

  const YamlFile& file_;
  Platform platform_;
};

}  // namespace

Platform LoadPlatform(const YamlFile& file) { return PlatformReader(file).Read(); }

Platform LoadPlatform(const std::string& path) { return LoadPlatform(YamlFile::Load(path)); }

}  // namespace twinprof::platform
