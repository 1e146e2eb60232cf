#include "pipeline/pipeline_file.h"

#include <filesystem>

#include "core/relative_path.h"
#include "core/yaml_file.h"
#include "pipeline/training_filter.h"

namespace twinprof::pipeline {

namespace fs = std::filesystem;

namespace {

// A path in the file, resolved against the file's folder; the file must exist.
std::string ExistingPath(const YamlFile& file, const YAML::Node& node, std::string_view what) {
  std::string text = file.String(node, what);
  const fs::path path = ResolveRelativeTo(file.path(), text);
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    file.Fail(node, std::string(what) + " '" + text + "' is not a file (looked for " +
                        path.string() + ")");
  }
  return path.string();
}

}  // namespace

PipelineFile LoadPipelineFile(const std::string& path) {
  YamlFile file = YamlFile::Load(path);
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "a pipeline file");
  file.CheckKeys(
      root, {"name", "campaign", "train_where", "models", "scenario", "target", "explore", "jobs"},
      "the pipeline", nullptr);
  PipelineFile pipeline;
  pipeline.file = path;
  pipeline.name = fs::path(path).stem().string();
  if (YAML::Node name = YamlFile::Optional(root, "name")) {
    pipeline.name = file.String(name, "name");
  }
  pipeline.campaign = ExistingPath(file, file.Required(root, "campaign"), "campaign");
  if (YAML::Node where = YamlFile::Optional(root, "train_where")) {
    file.ExpectSequence(where, "train_where (a list of conditions such as grayify.cpu<=1)");
    pipeline.train_where_location = file.Where(where);
    for (const YAML::Node& condition : where) {
      std::string text = file.String(condition, "a train_where condition");
      Condition::Parse(text, file.Where(condition));  // checks it
      pipeline.train_where.push_back(text);
    }
  }
  if (YAML::Node models = YamlFile::Optional(root, "models")) {
    file.ExpectMap(models, "models");
    file.CheckKeys(models, {"config"}, "models", nullptr);
    pipeline.models_config = ExistingPath(file, file.Required(models, "config"), "models.config");
  }
  for (auto [key, field] :
       {std::pair{"scenario", &pipeline.scenario}, std::pair{"target", &pipeline.target},
        std::pair{"explore", &pipeline.explore}}) {
    if (YAML::Node node = YamlFile::Optional(root, key)) *field = ExistingPath(file, node, key);
  }
  if (YAML::Node jobs = YamlFile::Optional(root, "jobs")) {
    pipeline.jobs = static_cast<int>(file.Integer(jobs, "jobs", 1, 256));
  }
  return pipeline;
}

}  // namespace twinprof::pipeline
