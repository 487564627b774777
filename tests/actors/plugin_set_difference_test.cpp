// plugin_set_difference: what a client says when two nodes serve different
// plugins (no actors, no V8).
#include "actors/plugin_set_difference.hpp"

#include <catch2/catch.hpp>

using namespace warden;
using namespace warden::actors;

namespace {

NodeInfo serving(std::vector<std::tuple<std::string, std::string, std::string>> plugins) {
  NodeInfo info;
  for (auto& [id, version, revision] : plugins) {
    runtime::PluginInfo plugin;
    plugin.id = id;
    plugin.version = version;
    info.plugins.push_back(plugin);
    info.revisions.push_back(PluginRevision{id, revision});
  }
  return info;
}

}  // namespace

TEST_CASE("the same plugins at the same versions and revisions do not differ", "[actors][pure]") {
  const auto info = serving({{"a", "1.0", "0123456789abcdef"}, {"b", "", "fedcba9876543210"}});
  CHECK(plugin_set_difference("n0:1", info, "n1:1", info).empty());
}

TEST_CASE("every difference between two plugin sets is named", "[actors][pure]") {
  const auto reference = serving({{"a", "1.0", "aaaa"}, {"b", "", "bbbb"}, {"c", "", "cccc"}});
  const auto other = serving({{"a", "2.0", "aaaa"}, {"b", "", "beef"}, {"d", "", "dddd"}});
  const auto difference = plugin_set_difference("n0:1", reference, "n1:1", other);
  CHECK_THAT(difference, Catch::Contains("plugin 'c' only on node n0:1"));
  CHECK_THAT(difference, Catch::Contains("plugin 'd' only on node n1:1"));
  CHECK_THAT(difference, Catch::Contains("node n1:1 serves plugin 'a' at version 2.0, node n0:1 "
                                         "at 1.0"));
  CHECK_THAT(difference, Catch::Contains("node n1:1 serves plugin 'b' at revision beef, node "
                                         "n0:1 at bbbb"));
}

TEST_CASE("the same plugins in another load order differ", "[actors][pure]") {
  const auto reference = serving({{"a", "", "aaaa"}, {"b", "", "bbbb"}});
  const auto other = serving({{"b", "", "bbbb"}, {"a", "", "aaaa"}});
  CHECK(plugin_set_difference("n0:1", reference, "n1:1", other) ==
        "node n1:1 loads the plugins in another order (b, a), node n0:1 (a, b)");
}
