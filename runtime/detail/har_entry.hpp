#pragma once
// One HAR entry's JSON DOM turned into a Transaction, by the mapping that
// warden/har_reader.hpp documents. Private to runtime/ (the HAR reader).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/transaction.hpp"

namespace warden::runtime::detail {

// Fills `out` from `entry` (all but the id). Strings are moved out of the
// DOM, which the caller discards right after. On a type error returns
// "<field>: <problem>" ("request.headers[3].value: expected a string, got
// number"); nullopt on success. Tolerated deviations (a string field holding
// another JSON value, read as its JSON text) are appended to `warnings` as
// "<field>: <what was done>".
std::optional<std::string> convert_entry(nlohmann::json& entry, Transaction& out,
                                         std::vector<std::string>& warnings);

// Appends `text` to `out` by the WHATWG application/x-www-form-urlencoded
// serializer, byte-wise over UTF-8: space becomes '+', ASCII alphanumerics and
// "*-._" stay, every other byte is %XX (postData.params as a body).
void form_encode(std::string_view text, std::string& out);

}  // namespace warden::runtime::detail
