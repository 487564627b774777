#pragma once
// A plugin's content revision: the name of one version of its code and
// config, carried by its stats and by every answer its workers produce.

#include <string>
#include <string_view>

namespace warden::actors {

// 16 lowercase hex digits of the 64-bit FNV-1a hash of `code`, a NUL byte and
// `config_json`. Not a security hash: it only tells apart the few versions of
// one plugin a run loads (a collision between two of them has odds of about
// n^2 / 2^65), and any host that needs tamper evidence hashes the file itself.
std::string content_revision(std::string_view code, std::string_view config_json);

}  // namespace warden::actors
