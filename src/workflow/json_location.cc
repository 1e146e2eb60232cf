#include "workflow/json_location.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

namespace twinprof::workflow::internal {

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

// Follows the path of each value through the document and records where each one starts (in
// `starts`, as JSON pointer -> offset of the last character read), or only watches for errors.
class Locator : public json::json_sax_t {
 public:
  Locator(std::vector<std::pair<std::string, size_t>>* starts, const size_t* offset,
          size_t max_depth = SIZE_MAX)
      : starts_(starts), offset_(offset), max_depth_(max_depth) {}

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
    Push(name);
    return true;
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
    size_t pointer_size = 0;  // length of the pointer of the container itself
  };

  // Appends a reference token (escaped as RFC 6901 says) and records the value's position.
  void Push(const std::string& token) {
    if (starts_ == nullptr || levels_.size() > max_depth_) return;
    pointer_.resize(levels_.back().pointer_size);
    pointer_ += '/';
    for (char c : token) {
      if (c == '~') {
        pointer_ += "~0";
      } else if (c == '/') {
        pointer_ += "~1";
      } else {
        pointer_ += c;
      }
    }
    Record();
  }
  void Record() {
    if (starts_ != nullptr) starts_->emplace_back(pointer_, *offset_);
  }
  void Begin() {
    if (levels_.empty()) {
      Record();  // the root
    } else if (levels_.back().array) {
      Push(std::to_string(levels_.back().next++));
    }
  }
  bool Scalar() {
    Begin();
    return true;
  }
  bool Open(bool array) {
    Begin();
    levels_.push_back(Level{array, 0, pointer_.size()});
    return true;
  }
  bool Close() {
    levels_.pop_back();
    return true;
  }

  std::vector<std::pair<std::string, size_t>>* starts_;
  const size_t* offset_;
  size_t max_depth_;
  std::string pointer_;
  std::vector<Level> levels_;
  std::optional<std::pair<size_t, std::string>> error_;
};

// Moves `at` (the last character the parser read for a token) back to the token's first
// character: the parser has read the whole token and, after a number or literal, the character
// that ends it.
size_t TokenStart(const std::string& text, size_t at) {
  if (at >= text.size()) return text.size();
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
  return at;
}

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

}  // namespace

void JsonLocator::Index() {
  indexed_ = true;
  std::vector<std::pair<std::string, size_t>> starts;
  size_t offset = 0;
  Locator locator(&starts, &offset, max_depth_);
  CountingIterator first(text_.data(), text_.data(), &offset);
  CountingIterator last(text_.data(), text_.data() + text_.size(), &offset);
  json::sax_parse(first, last, &locator);
  // One sweep over the text turns every offset into a line and column.
  std::vector<std::pair<size_t, size_t>> order;  // (token start, index in starts)
  order.reserve(starts.size());
  for (size_t i = 0; i < starts.size(); ++i) {
    order.emplace_back(TokenStart(text_, starts[i].second), i);
  }
  std::sort(order.begin(), order.end());
  int line = 1, column = 1;
  size_t at = 0;
  for (const auto& [target, index] : order) {
    for (; at < target; ++at) {
      if (text_[at] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text_[at]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    where_.emplace(std::move(starts[index].first), std::make_pair(line, column));
  }
}

SourceLocation JsonLocator::Where(const json::json_pointer& pointer) {
  if (!indexed_) Index();
  auto it = where_.find(pointer.to_string());
  if (it == where_.end()) return SourceLocation{file_};
  return SourceLocation{file_, it->second.first, it->second.second};
}

SourceLocation LocateJson(const std::string& text, const json::json_pointer& pointer,
                          const std::string& file) {
  return JsonLocator(text, file).Where(pointer);
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
    Locator locator(nullptr, &offset);
    CountingIterator first(text.data(), text.data(), &offset);
    CountingIterator last(text.data(), text.data() + text.size(), &offset);
    json::sax_parse(first, last, &locator);
    size_t at = locator.error() && locator.error()->first > 0 ? locator.error()->first - 1 : 0;
    throw InputError(locator.error() ? LocationOfOffset(text, at, file) : SourceLocation{file},
                     Explain(e.what()));
  }
}

}  // namespace twinprof::workflow::internal
