#include "workflow/json_location.h"

#include <cctype>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

namespace twinprof::workflow_internal {

using nlohmann::json;

SourceLocation LocationOfOffset(const std::string& text, size_t offset, const std::string& file) {
  if (offset > text.size()) offset = text.size();
  SourceLocation where{file, 1, 1};
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++where.line;
      where.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // count characters
      ++where.column;
    }
  }
  return where;
}

namespace {

// A character iterator that records the offset of the last character the parser looked at.
class CountingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* begin, const char* at, size_t* last)
      : begin_(begin), at_(at), last_(last) {}
  reference operator*() const {
    *last_ = static_cast<size_t>(at_ - begin_);
    return *at_;
  }
  CountingIterator& operator++() {
    ++at_;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++at_;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const CountingIterator& other) const { return at_ != other.at_; }

 private:
  const char* begin_;
  const char* at_;
  size_t* last_;
};

// Follows the path of each value through the document and stops at the target.
class Locator : public json::json_sax_t {
 public:
  // Without a target, the locator only watches for errors.
  Locator(std::optional<std::vector<std::string>> target, const size_t* offset)
      : target_(std::move(target)), offset_(offset) {}

  bool found() const { return found_; }
  size_t found_offset() const { return found_offset_; }
  // The first error the parser reported (nlohmann's 1-based position and its message).
  const std::optional<std::pair<size_t, std::string>>& error() const { return error_; }

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t) override { return Scalar(); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool string(string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }
  bool start_object(std::size_t) override { return Open(false); }
  bool start_array(std::size_t) override { return Open(true); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& name) override {
    path_.push_back(name);
    return !Check();
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    if (!error_) error_ = std::make_pair(position, std::string(e.what()));
    return false;
  }

 private:
  struct Level {
    bool array;
    size_t next = 0;
  };

  // Returns true (and remembers where) when the current path is the target.
  bool Check() {
    if (found_ || !target_ || path_ != *target_) return false;
    found_ = true;
    found_offset_ = *offset_;
    return true;
  }
  bool Begin() {
    if (!levels_.empty() && levels_.back().array) {
      path_.push_back(std::to_string(levels_.back().next++));
      return !Check();
    }
    return !(levels_.empty() && Check());  // the root itself
  }
  void End() {
    if (!levels_.empty()) path_.pop_back();  // the index or key of the finished value
  }
  bool Scalar() {
    if (!Begin()) return false;
    End();
    return true;
  }
  bool Open(bool array) {
    if (!Begin()) return false;
    levels_.push_back(Level{array});
    return true;
  }
  bool Close() {
    levels_.pop_back();
    End();
    return true;
  }

  std::optional<std::vector<std::string>> target_;
  const size_t* offset_;
  std::vector<std::string> path_;
  std::vector<Level> levels_;
  bool found_ = false;
  size_t found_offset_ = 0;
  std::optional<std::pair<size_t, std::string>> error_;
};

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..." -> the
// part after the position, which our location replaces.
std::string Explain(const std::string& what) {
  size_t start = what.find("] ");
  std::string message = start == std::string::npos ? what : what.substr(start + 2);
  if (message.rfind("parse error", 0) == 0) {
    if (size_t colon = message.find(": "); colon != std::string::npos) {
      message = message.substr(colon + 2);
    }
  }
  return "JSON " + message;
}

std::vector<std::string> Tokens(const json::json_pointer& pointer) {
  std::vector<std::string> tokens;
  for (json::json_pointer p = pointer; !p.empty(); p = p.parent_pointer()) {
    tokens.insert(tokens.begin(), p.back());
  }
  return tokens;
}

}  // namespace

SourceLocation LocateJson(const std::string& text, const json::json_pointer& pointer,
                          const std::string& file) {
  size_t offset = 0;
  Locator locator(Tokens(pointer), &offset);
  CountingIterator first(text.data(), text.data(), &offset);
  CountingIterator last(text.data(), text.data() + text.size(), &offset);
  json::sax_parse(first, last, &locator);
  if (!locator.found()) return SourceLocation{file};
  size_t at = locator.found_offset();
  if (at >= text.size()) return LocationOfOffset(text, text.size(), file);
  // The parser has read the whole token (and, after a number or literal, the character that ends
  // it): go back to the token's first character.
  auto in_literal = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-';
  };
  if (at > 0 && !in_literal(text[at]) && text[at] != '"' && in_literal(text[at - 1])) --at;
  if (text[at] == '"') {
    while (at > 0) {
      --at;
      if (text[at] == '"') {
        size_t backslashes = 0;
        while (at > backslashes && text[at - 1 - backslashes] == '\\') ++backslashes;
        if (backslashes % 2 == 0) break;
      }
    }
  } else {
    while (at > 0 && in_literal(text[at]) && in_literal(text[at - 1])) --at;
  }
  return LocationOfOffset(text, at, file);
}

json ParseJson(const std::string& text, const std::string& file, int max_depth) {
  // nlohmann's parser does not limit nesting; check it first, outside strings.
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        throw InputError(
            LocationOfOffset(text, i, file),
            "JSON nested too deeply (more than " + std::to_string(max_depth) + " levels)");
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based index of the last character read.
    throw InputError(LocationOfOffset(text, e.byte > 0 ? e.byte - 1 : 0, file), Explain(e.what()));
  } catch (const json::exception& e) {
    // Other failures (a number too large for a double) carry no position: find it with the
    // SAX parser, which reports where it stopped.
    size_t offset = 0;
    Locator locator(std::nullopt, &offset);
    CountingIterator first(text.data(), text.data(), &offset);
    CountingIterator last(text.data(), text.data() + text.size(), &offset);
    json::sax_parse(first, last, &locator);
    size_t at = locator.error() && locator.error()->first > 0 ? locator.error()->first - 1 : 0;
    throw InputError(locator.error() ? LocationOfOffset(text, at, file) : SourceLocation{file},
                     Explain(e.what()));
  }
}

}  // namespace twinprof::workflow_internal
