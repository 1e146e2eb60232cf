#include "model/config/python_literal.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>

namespace twinprof::model {
namespace {

constexpr int kMaxDepth = 32;

class LiteralParser {
 public:
  LiteralParser(std::string_view text, const SourceLocation& where, std::string_view what)
      : text_(text), where_(where), what_(what) {}

  nlohmann::json ParseAll() {
    SkipBlanks();
    if (pos_ == text_.size()) Fail("expected a value, found nothing");
    nlohmann::json value = ParseValue(0);
    SkipBlanks();
    if (pos_ != text_.size()) Fail("unexpected text after the value");
    return value;
  }

 private:
  [[noreturn]] void Fail(const std::string& message) const {
    SourceLocation at = where_;
    if (at.column > 0) at.column += static_cast<int>(pos_);
    std::string shown(text_);
    throw InputError(at, std::string(what_) + ": bad Python literal `" + shown + "`: " + message);
  }

  void SkipBlanks() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool Peek(char c) {
    SkipBlanks();
    return pos_ < text_.size() && text_[pos_] == c;
  }

  nlohmann::json ParseValue(int depth) {
    if (depth > kMaxDepth) Fail("nested too deeply");
    SkipBlanks();
    if (pos_ >= text_.size()) Fail("unexpected end, expected a value");
    char c = text_[pos_];
    if (c == '[') return ParseSequence(']', depth);
    if (c == '(') return ParseSequence(')', depth);
    if (c == '{') return ParseDict(depth);
    if (c == '\'' || c == '"') return ParseStrings();
    if (c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
      return ParseNumber();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      std::string_view word = text_.substr(start, pos_ - start);
      if (word == "True") return true;
      if (word == "False") return false;
      if (word == "None") return nullptr;
      pos_ = start;
      Fail("`" + std::string(word) + "` is not a literal (quote strings: '" + std::string(word) +
           "')");
    }
    Fail(std::string("unexpected character '") + c + "'");
  }

  nlohmann::json ParseSequence(char close, int depth) {
    ++pos_;  // the opening bracket
    nlohmann::json list = nlohmann::json::array();
    bool had_comma = false;
    while (true) {
      if (Peek(close)) break;
      if (!list.empty() && !had_comma) Fail(std::string("expected ',' or '") + close + "'");
      list.push_back(ParseValue(depth + 1));
      had_comma = Peek(',');
      if (had_comma) ++pos_;
      if (pos_ >= text_.size()) Fail(std::string("missing closing '") + close + "'");
    }
    ++pos_;
    return list;
  }

  nlohmann::json ParseDict(int depth) {
    ++pos_;
    nlohmann::json dict = nlohmann::json::object();
    bool had_comma = false;
    bool first = true;
    while (true) {
      if (Peek('}')) break;
      if (!first && !had_comma) Fail("expected ',' or '}'");
      first = false;
      size_t key_pos = pos_;
      nlohmann::json key = ParseValue(depth + 1);
      std::string key_text;
      if (key.is_string()) {
        key_text = key.get<std::string>();
      } else if (key.is_number()) {
        key_text = key.dump();
      } else {
        pos_ = key_pos;
        Fail("dictionary keys must be strings or numbers");
      }
      if (!Peek(':')) Fail("expected ':' after a dictionary key");
      ++pos_;
      if (dict.contains(key_text)) {
        pos_ = key_pos;
        Fail("duplicate dictionary key '" + key_text + "'");
      }
      dict[key_text] = ParseValue(depth + 1);
      had_comma = Peek(',');
      if (had_comma) ++pos_;
      if (pos_ >= text_.size()) Fail("missing closing '}'");
    }
    ++pos_;
    return dict;
  }

  // One or more adjacent string literals, joined as Python does.
  nlohmann::json ParseStrings() {
    std::string out;
    do {
      char quote = text_[pos_++];
      while (true) {
        if (pos_ >= text_.size()) Fail(std::string("unterminated string (missing ") + quote + ")");
        char c = text_[pos_++];
        if (c == quote) break;
        if (c != '\\') {
          out += c;
          continue;
        }
        if (pos_ >= text_.size()) Fail("unterminated string after '\\'");
        char e = text_[pos_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case '0':
            out += '\0';
            break;
          case '\\':
          case '\'':
          case '"':
            out += e;
            break;
          default:
            out += '\\';
            out += e;
            break;  // Python keeps unknown escapes verbatim
        }
      }
      SkipBlanks();
    } while (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"'));
    return out;
  }

  nlohmann::json ParseNumber() {
    size_t start = pos_;
    bool negative = false;
    if (text_[pos_] == '-' || text_[pos_] == '+') {
      negative = text_[pos_] == '-';
      ++pos_;
      SkipBlanks();
    }
    size_t digits_start = pos_;
    bool is_float = false;
    std::string clean;
    auto take_digits = [&] {
      size_t n = 0;
      while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) ||
                                     (text_[pos_] == '_' && n > 0))) {
        if (text_[pos_] != '_') clean += text_[pos_];
        ++pos_;
        ++n;
      }
      return n;
    };
    size_t int_digits = take_digits();
    size_t frac_digits = 0;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      is_float = true;
      clean += '.';
      ++pos_;
      frac_digits = take_digits();
    }
    if (int_digits + frac_digits == 0) {
      pos_ = start;
      Fail("expected a number");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      is_float = true;
      clean += 'e';
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) clean += text_[pos_++];
      if (take_digits() == 0) Fail("expected digits in the exponent");
    }
    if (pos_ < text_.size() &&
        (std::isalpha(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      Fail("unexpected character after a number");
    }
    if (!is_float && clean.size() > 1 && clean[0] == '0') {
      pos_ = digits_start;
      Fail("leading zeros are not allowed in integers");
    }
    if (!is_float) {
      int64_t value = 0;
      auto [end, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
      if (ec == std::errc() && end == clean.data() + clean.size()) {
        return negative ? -value : value;
      }
      // Too large for 64 bits: keep it as a float, as JSON would.
    }
    double value = std::strtod(clean.c_str(), nullptr);
    return negative ? -value : value;
  }

  std::string_view text_;
  SourceLocation where_;
  std::string_view what_;
  size_t pos_ = 0;
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

nlohmann::json ParsePythonLiteral(std::string_view text, const SourceLocation& where,
                                  std::string_view what) {
  return LiteralParser(text, where, what).ParseAll();
}

nlohmann::json ParseIniValue(std::string_view text, const SourceLocation& where,
                             std::string_view what) {
  std::string_view value = Trim(text);
  if (value == "[*]") return "[*]";  // aMLLibrary's "every column"
  if (value.empty()) return "";
  char c = value.front();
  bool looks_literal = c == '[' || c == '(' || c == '{' || c == '\'' || c == '"' || c == '-' ||
                       c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c)) ||
                       value == "True" || value == "False" || value == "None";
  if (looks_literal) return ParsePythonLiteral(value, where, what);
  // A bare word: aMLLibrary keeps the raw text. Refuse text that holds literal punctuation, which
  // is almost certainly a broken literal rather than a word.
  for (char ch : value) {
    if (ch == '[' || ch == ']' || ch == '{' || ch == '}' || ch == '\'' || ch == '"' || ch == ',') {
      SourceLocation at = where;
      throw InputError(at, std::string(what) + ": bad Python literal `" + std::string(value) +
                               "` (quote strings, e.g. '" + std::string(value) + "')");
    }
  }
  return std::string(value);
}

}  // namespace twinprof::model
