// The SAX handler that streams a HAR file entry by entry.
#include "runtime/detail/har_sax.hpp"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/detail/har_entry.hpp"
#include "runtime/detail/har_fast_entry.hpp"
#include "runtime/detail/har_input.hpp"
#include "runtime/detail/har_text.hpp"

namespace warden::runtime::detail {
namespace {

using Json = nlohmann::json;

// nlohmann SAX handler over a whole HAR file. Outside log.entries it keeps
// only a stack of container kinds (pages, creator and the rest are skipped
// without being stored). At each entry it first tries the fast path: find
// the entry's bytes, read them with simdjson (har_fast_entry.hpp), hand the
// Transaction out and let nlohmann skip to the entry's closing brace. When
// that path declines, it builds the entry's DOM from nlohmann's events,
// converts it (har_entry.hpp), hands the Transaction out and drops the DOM
// before the next entry starts.
class HarSax {
 public:
  HarSax(HarInput& input, EntryPath path, const EntryHandler& on_entry,
         const std::string& id_prefix, const HarWarningHandler& on_warning)
      : input_(input),
        path_(path),
        on_entry_(on_entry),
        id_prefix_(id_prefix),
        on_warning_(on_warning) {}

  bool null() {
    return value(nullptr, "null");
  }
  bool boolean(bool v) {
    return value(v, "boolean");
  }
  bool number_integer(Json::number_integer_t v) {
    return value(v, "number");
  }
  bool number_unsigned(Json::number_unsigned_t v) {
    return value(v, "number");
  }
  bool number_float(Json::number_float_t v, const std::string&) {
    return value(v, "number");
  }
  // The lexer's token buffer is cleared before the next token, so its string
  // can be moved into the DOM rather than copied (bodies are most of a HAR).
  bool string(std::string& v) {
    return value(std::move(v), "string");
  }
  bool binary(Json::binary_t&) {
    return value(nullptr, "binary");
  }  // not produced by JSON

  bool start_object(std::size_t) {
    if (building()) {
      dom_.push_back(place(Json::object()));
      return true;
    }
    return outside_value("object", Container::object);
  }

  bool key(std::string& k) {
    if (building()) {
      slot_ = &dom_.back()->get_ref<Json::object_t&>()[std::move(k)];
      return true;
    }
    next_ = Next::other;
    if (frames_.back() == Frame::root && k == "log") {
      if (seen_log_)
        return fail(context() + "log: appears twice");
      next_ = Next::log;
    } else if (frames_.back() == Frame::log && k == "entries") {
      if (seen_entries_)
        return fail(context() + "log.entries: appears twice");
      next_ = Next::entries;
    }
    return true;
  }

  bool end_object() {
    if (skipped_entry_) {
      skipped_entry_ = false;  // the closing brace of an entry read by the fast path
      return true;
    }
    if (building()) {
      dom_.pop_back();
      if (dom_.empty())
        return deliver();
      return true;
    }
    frames_.pop_back();
    return true;
  }

  bool start_array(std::size_t) {
    if (building()) {
      dom_.push_back(place(Json::array()));
      return true;
    }
    return outside_value("array", Container::array);
  }

  bool end_array() {
    if (building()) {
      dom_.pop_back();
      return true;
    }
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t byte, const std::string& last_token,
                   const nlohmann::detail::exception& ex) {
    // what() reads "[json.exception.parse_error.101] parse error at line 1,
    // column 7: syntax error while parsing ..."; keep line, column and reason.
    const std::string message = last_read(ex.what(), last_token);
    std::string_view what = message;
    std::string where;
    // nlohmann counts the bytes it read, the bad one included, but not those
    // the fast path skipped; report the bad byte's 0-based offset in the input
    // (the input size when the input ended early).
    std::uint64_t offset = (byte > 0 ? byte - 1 : 0) + input_.skipped();
    if (auto close = what.find("] "); close != std::string_view::npos)
      what.remove_prefix(close + 2);
    if (auto colon = what.find(": "); colon != std::string_view::npos) {
      std::string_view head = what.substr(0, colon);
      if (auto at = head.find(" at "); at != std::string_view::npos) {
        where = " (" + position(head.substr(at + 4), offset) + ')';
      }
      what.remove_prefix(colon + 2);
    }
    return fail(context() + "invalid JSON at byte " + std::to_string(offset) + where + ": " +
                printable(what));
  }

  // After sax_parse: the error to report, if any.
  std::optional<std::string> finish(bool parsed) {
    if (failed_)
      return std::move(error_);
    if (stopped_)
      return std::nullopt;
    if (!parsed)
      return context() + "parse stopped";  // not expected: every false is recorded
    if (!seen_log_)
      return "log: missing";
    if (!seen_entries_)
      return "log.entries: missing";
    return std::nullopt;
  }

  std::size_t delivered() const {
    return delivered_;
  }

 private:
  enum class Frame : std::uint8_t { root, log, entries, other };
  enum class Next : std::uint8_t { other, log, entries };
  enum class Container : std::uint8_t { none, object, array };

  bool building() const {
    return !dom_.empty();
  }

  // "line L, column C" from nlohmann's message, recounted over the whole
  // input once the fast path skipped bytes nlohmann never saw. nlohmann
  // reports column 0 after giving back a newline it read past a number; that
  // quirk is kept.
  std::string position(std::string_view nlohmann_where, std::uint64_t offset) const {
    if (input_.skipped() == 0)
      return std::string(nlohmann_where);
    LineColumn where = input_.position_of(offset);
    if (auto column = nlohmann_where.rfind(", column 0");
        column != std::string_view::npos && column + 10 == nlohmann_where.size()) {
      where.column = 0;
    }
    return "line " + std::to_string(where.line) + ", column " + std::to_string(where.column);
  }

  // nlohmann's message with its "last read: '...'" text as if nlohmann had
  // lexed the entries the fast path skipped: from the start of the last
  // string or number token of the last such entry on.
  std::string last_read(std::string message, const std::string& last_token) const {
    if (input_.skipped() == 0 || input_.token_since_skip())
      return message;
    const std::string quoted = "; last read: '" + last_token + "'";
    const auto at = message.find(quoted);
    const std::uint64_t since = input_.escaped_since_skip();
    if (at == std::string::npos || since > last_token.size())
      return message;
    std::string text = "; last read: '";
    for (unsigned char c : skipped_token_) {
      if (c <= 0x1f) {
        static constexpr char hex[] = "0123456789ABCDEF";
        text += "<U+00";
        text += hex[c >> 4];
        text += hex[c & 0xf];
        text += '>';
      } else {
        text += static_cast<char>(c);
      }
    }
    text.append(last_token, last_token.size() - since, std::string::npos);
    text += '\'';
    return message.replace(at, quoted.size(), text);
  }

  // The first bytes of the entry's last string or number token, through to
  // (not including) its closing brace: what nlohmann's "last read" would
  // start with right after the entry. A fast-path entry always has one (the
  // "request" key). Enough is kept for the capped message.
  static std::string last_token_of(std::string_view entry) {
    constexpr std::size_t kKept = 512;
    std::size_t end = entry.size() - 1;  // the closing brace
    std::size_t i = end;
    while (i > 0 && entry[i - 1] != '"' && !(entry[i - 1] >= '0' && entry[i - 1] <= '9'))
      --i;
    if (i == 0)
      return std::string();
    std::size_t start = i - 1;
    if (entry[start] == '"') {
      // Back to the opening quote: the first one not escaped by an odd run of backslashes.
      for (start = start - 1; start > 0; --start) {
        if (entry[start] != '"')
          continue;
        std::size_t backslashes = 0;
        while (entry[start - backslashes - 1] == '\\')
          ++backslashes;
        if (backslashes % 2 == 0)
          break;
      }
    } else {
      while (start > 0 &&
             std::string_view("0123456789+-.eE").find(entry[start - 1]) != std::string_view::npos)
        --start;
    }
    return std::string(entry.substr(start, std::min(end - start, kKept)));
  }

  // The fast path for the entry whose '{' nlohmann just read: true when it
  // was handed out (or reading must stop), with nlohmann set to read its
  // closing brace next; false to build it from nlohmann's events instead.
  bool fast_entry(bool& keep_going) {
    const std::uint64_t start = input_.offset() - 1;
    std::optional<std::string_view> bytes = input_.find_container_end(start);
    if (!bytes)
      return false;  // the input ends inside the entry: nlohmann says where
    Transaction transaction;
    if (!fast_.read(*bytes, transaction))
      return false;
    skipped_token_ = last_token_of(*bytes);
    input_.skip_to(start + bytes->size() - 1);
    skipped_entry_ = true;
    keep_going = hand_out(std::move(transaction));
    return true;
  }

  // Gives the entry its id and the handler the Transaction; false to stop.
  bool hand_out(Transaction&& transaction) {
    transaction.id = id_prefix_ + std::to_string(index_);
    ++index_;
    ++delivered_;
    if (!on_entry_(std::move(transaction))) {
      stopped_ = true;
      return false;
    }
    return true;
  }

  // Where in the file we are, for messages: the entry being read or the last
  // one read, so a truncated file names how far it got.
  std::string context() const {
    if (building())
      return "entry " + std::to_string(index_) + ": ";
    if (index_ > 0)
      return "after entry " + std::to_string(index_ - 1) + ": ";
    if (seen_entries_)
      return "log.entries: ";
    return "";
  }

  bool fail(std::string message) {
    failed_ = true;
    error_ = std::move(message);
    return false;
  }

  // Puts a new value where the DOM expects the next one: as the last element
  // of the innermost array, or under the key just read.
  template <class V>
  Json* place(V&& v) {
    Json* parent = dom_.back();
    if (parent->is_array()) {
      auto& items = parent->get_ref<Json::array_t&>();
      items.emplace_back(std::forward<V>(v));
      return &items.back();
    }
    *slot_ = Json(std::forward<V>(v));
    return slot_;
  }

  template <class V>
  bool value(V&& v, std::string_view type_name) {
    if (building()) {
      place(std::forward<V>(v));
      return true;
    }
    return outside_value(type_name, Container::none);
  }

  // A value outside any entry: check the HAR skeleton, skip everything else.
  bool outside_value(std::string_view type_name, Container container) {
    auto expected = [&](std::string_view field, std::string_view type) {
      return fail(std::string(field) + ": expected " + std::string(article(type)) + ' ' +
                  std::string(type) + ", got " + std::string(type_name));
    };
    if (frames_.empty()) {
      if (container != Container::object)
        return expected("top level", "object");
      frames_.push_back(Frame::root);
      return true;
    }
    Frame frame = frames_.back();
    Next next = next_;
    next_ = Next::other;
    if (frame == Frame::root && next == Next::log) {
      seen_log_ = true;
      if (container != Container::object)
        return expected("log", "object");
      frames_.push_back(Frame::log);
      return true;
    }
    if (frame == Frame::log && next == Next::entries) {
      seen_entries_ = true;
      if (container != Container::array)
        return expected("log.entries", "array");
      frames_.push_back(Frame::entries);
      return true;
    }
    if (frame == Frame::entries) {
      if (container != Container::object) {
        return expected("entry " + std::to_string(index_), "object");
      }
      if (bool keep_going = true; path_ == EntryPath::fast && fast_entry(keep_going))
        return keep_going;
      entry_ = Json::object();
      dom_.push_back(&entry_);
      return true;
    }
    if (container != Container::none)
      frames_.push_back(Frame::other);
    return true;
  }

  bool deliver() {
    Transaction transaction;
    std::vector<std::string> warnings;
    std::optional<std::string> problem = convert_entry(entry_, transaction, warnings);
    entry_ = Json();  // frees the entry's DOM before the handler runs
    if (problem)
      return fail("entry " + std::to_string(index_) + ": " + *problem);
    if (on_warning_) {
      for (auto& warning : warnings) {
        on_warning_("entry " + std::to_string(index_) + ": " + warning);
      }
    }
    return hand_out(std::move(transaction));
  }

  HarInput& input_;
  const EntryPath path_;
  FastEntryReader fast_;
  bool skipped_entry_ = false;  // nlohmann reads a fast-path entry's '}' next
  std::string skipped_token_;   // last_token_of the last fast-path entry
  const EntryHandler& on_entry_;
  const std::string& id_prefix_;
  const HarWarningHandler& on_warning_;

  std::vector<Frame> frames_;  // containers outside entries, outermost first
  Next next_ = Next::other;    // what the value after the last key is
  bool seen_log_ = false;
  bool seen_entries_ = false;

  Json entry_;              // the entry being built
  std::vector<Json*> dom_;  // open containers inside entry_, innermost last
  Json* slot_ = nullptr;    // where the value after an object key goes

  std::size_t index_ = 0;  // index of the entry being read
  std::size_t delivered_ = 0;
  bool stopped_ = false;
  bool failed_ = false;
  std::string error_;
};

}  // namespace

HarParse parse_har(std::istream& in, const EntryHandler& on_entry, const std::string& id_prefix,
                   const HarWarningHandler& on_warning, EntryPath path) {
  HarInput input(in);
  HarSax sax(input, path, on_entry, id_prefix, on_warning);
  // strict: trailing bytes after the top-level value are an error too.
  bool parsed = Json::sax_parse(HarInputIterator(input), HarInputIterator(), &sax,
                                nlohmann::detail::input_format_t::json, true);
  return HarParse{sax.delivered(), sax.finish(parsed)};
}

}  // namespace warden::runtime::detail
