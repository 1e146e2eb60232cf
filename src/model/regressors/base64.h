// Base64 (RFC 4648) through OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock, for binary model bytes
// stored inside JSON.
#pragma once

#include <string>

namespace twinprof::model::regressors {

std::string Base64Encode(const std::string& bytes);
// Throws std::invalid_argument when `text` is not base64.
std::string Base64Decode(const std::string& text);

}  // namespace twinprof::model::regressors
