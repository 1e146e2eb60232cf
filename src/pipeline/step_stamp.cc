#include "pipeline/step_stamp.h"

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"
#include "core/error.h"

namespace twinprof::pipeline {

namespace fs = std::filesystem;

struct StepDigest::Context {
  EVP_MD_CTX* md = nullptr;
};

StepDigest::StepDigest() : context_(new Context) {
  context_->md = EVP_MD_CTX_new();
  if (context_->md == nullptr || EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(context_->md);
    delete context_;
    throw std::runtime_error("SHA-256 is not available from OpenSSL");
  }
}

StepDigest::~StepDigest() {
  EVP_MD_CTX_free(context_->md);
  delete context_;
}

void StepDigest::Update(const std::string& bytes) {
  // Each piece is preceded by its length, so that ("ab", "c") and ("a", "bc") differ.
  std::string length = std::to_string(bytes.size()) + ":";
  EVP_DigestUpdate(context_->md, length.data(), length.size());
  EVP_DigestUpdate(context_->md, bytes.data(), bytes.size());
}

void StepDigest::AddText(const std::string& label, const std::string& text) {
  Update(label);
  Update(text);
}

void StepDigest::AddFile(const std::string& path) {
  Update("file");
  Update(path);
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    Update("<absent>");
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path}, "cannot read this file");
  std::ostringstream content;
  content << in.rdbuf();
  Update(content.str());
}

std::string StepDigest::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->md, digest, &length);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

bool StepStamp::Read(const std::string& path, StepStamp* stamp) {
  std::ifstream in(path);
  if (!in) return false;
  nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("digest") || !json["digest"].is_string()) return false;
  stamp->step = json.value("step", "");
  stamp->digest = json["digest"].get<std::string>();
  stamp->finished = json.value("finished", "");
  stamp->seconds = json.value("seconds", 0.0);
  return true;
}

void StepStamp::Write(const std::string& path) const {
  nlohmann::json json = {
      {"step", step}, {"digest", digest}, {"finished", finished}, {"seconds", seconds}};
  WriteFileAtomically(path, json.dump(2) + "\n");
}

}  // namespace twinprof::pipeline
