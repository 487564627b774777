// The plugin validation shared by Warden::start and `warden plugins check`:
// duplicate ids, errors that name their file, config passed to init().
#include "actors/plugin_validator.hpp"

#include <catch2/catch.hpp>

#include "tests/actors/actors_test_support.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;

TEST_CASE("a plugin whose id an earlier plugin took is rejected naming both files",
          "[actors][pure]") {
  TempDir dir;
  const auto first = dir.write("one.js", header_plugin("same"));
  const auto second = dir.write("two.js", header_plugin("same"));
  const auto other = dir.write("three.js", header_plugin("other"));
  PluginValidator validator{runtime::EngineOptions{}};

  auto accepted = validator.validate(first);
  REQUIRE(accepted.ok());
  CHECK(accepted->info.id == "same");
  CHECK(accepted->source != nullptr);

  auto duplicate = validator.validate(second);
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.error().code == ErrorCode::duplicate_id);
  CHECK(duplicate.error().file == second);
  CHECK_THAT(duplicate.error().message, Catch::Contains("\"same\"") && Catch::Contains(first));

  // The rejection does not stop later plugins with ids of their own.
  CHECK(validator.validate(other).ok());
}

TEST_CASE("a plugin that fails to load is rejected with its file and takes no id",
          "[actors][pure]") {
  TempDir dir;
  const auto broken = dir.write("broken.js", "export default 42;");
  const auto missing = (dir.path() / "missing.js").string();
  PluginValidator validator{runtime::EngineOptions{}};

  auto not_loaded = validator.validate(broken);
  REQUIRE_FALSE(not_loaded.ok());
  CHECK(not_loaded.error().code == ErrorCode::no_default_export);
  CHECK(not_loaded.error().file == broken);

  auto unreadable = validator.validate(missing);
  REQUIRE_FALSE(unreadable.ok());
  CHECK(unreadable.error().code == ErrorCode::file_unreadable);
  CHECK(unreadable.error().file == missing);

  CHECK(validator.validate(dir.write("good.js", header_plugin("good"))).ok());
}

TEST_CASE("the validation load passes each plugin its own config to init()", "[actors][pure]") {
  TempDir dir;
  const auto path = dir.write("configured.js", R"(export default {
  id: "configured",
  init(config) {
    if (config.mode !== "strict") throw new Error("mode is " + config.mode);
  },
  scan() { return []; },
};
)");
  PluginValidator validator{runtime::EngineOptions{}};
  auto rejected = validator.validate(path, R"({"mode":"lax"})");
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error().code == ErrorCode::init_failed);
  CHECK(validator.validate(path, R"({"mode":"strict"})").ok());
}
