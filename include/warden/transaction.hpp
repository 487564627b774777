#pragma once
// One recorded HTTP exchange, shaped after a HAR 1.2 entry (plugin contract,
// "The transaction"). Built once in C++ and shared immutably between plugin
// actors through TransactionPtr; each engine builds its own JS view of it.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden {

struct Header {
  std::string name;  // case as captured
  std::string value;
};

struct Request {
  std::string method;
  std::string url;
  std::string http_version;
  std::vector<Header> headers;      // order as captured
  std::optional<std::string> body;  // nullopt -> JS null
};

struct Response {
  int status = 0;  // 0 when the exporter recorded none
  std::string status_text;
  std::string http_version;
  std::vector<Header> headers;
  std::string mime_type;
  std::string body;           // "" when absent; base64 when body_encoding says so
  std::string body_encoding;  // "" or "base64", as HAR content.encoding
};

// Host metadata: string keys and values a host attaches to a transaction
// (a tenant, a scan id, ...). Plugins read it as txn.metadata; every finding
// of the transaction carries a copy. Empty (no allocation) unless set; the
// HAR reader leaves it empty.
using Metadata = std::map<std::string, std::string>;

struct Transaction {
  std::string id;                 // unique within a run
  std::string started_date_time;  // as in the HAR entry, "" if absent
  Request request;
  Response response;
  Metadata metadata;
};

using TransactionPtr = std::shared_ptr<const Transaction>;

}  // namespace warden
