// Base64 (RFC 4648, standard alphabet, padded, no line breaks) through OpenSSL's
// EVP_EncodeBlock/EVP_DecodeBlock: binary model bytes stored inside JSON (model), the input of an
// OSCAR job invocation (profile/oscar).
#pragma once

#include <string>

namespace twinprof {

std::string Base64Encode(const std::string& bytes);
// Throws std::invalid_argument when `text` is not base64.
std::string Base64Decode(const std::string& text);

}  // namespace twinprof
