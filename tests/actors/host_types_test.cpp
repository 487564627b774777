// A host's own CAF type-ID block beside Warden's, and configure() leaving the
// host's scheduler policy alone.
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "tests/actors/actors_test_support.hpp"
#include "warden/protocol.hpp"
#include "warden/warden.hpp"

namespace host_app {

// A host's own message, declared as a host would: in its own type-ID block.
struct Ping {
  std::string text;
  std::size_t findings = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Ping& x) {
  return f(caf::meta::type_name("Ping"), x.text, x.findings);
}

}  // namespace host_app

// The leading :: matters: inside the macro, `warden` alone names caf::id_block::warden.
CAF_BEGIN_TYPE_ID_BLOCK(warden_test_host, ::warden::actors::first_host_type_id)
CAF_ADD_TYPE_ID(warden_test_host, (host_app::Ping))
CAF_END_TYPE_ID_BLOCK(warden_test_host)

// The host's block starts where Warden's ends, past CAF's own IDs.
static_assert(caf::id_block::warden_test_host::begin == caf::id_block::warden::end);
static_assert(warden::actors::first_host_type_id > caf::first_custom_type_id);
static_assert(caf::type_id<host_app::Ping>::value == warden::actors::first_host_type_id);

using namespace warden;
using actors::scan_atom;

TEST_CASE("configure() registers types and leaves the scheduler policy as the host set it",
          "[actors][pure]") {
  caf::actor_system_config untouched;
  caf::actor_system_config fresh;
  actors::configure(fresh);
  CHECK(caf::get_or(fresh, "scheduler.policy", caf::atom("unset")) ==
        caf::get_or(untouched, "scheduler.policy", caf::atom("unset")));

  caf::actor_system_config stealing;
  stealing.set("scheduler.policy", caf::atom("stealing"));
  actors::configure(stealing);
  CHECK(caf::get_or(stealing, "scheduler.policy", caf::atom("unset")) == caf::atom("stealing"));

  actors::use_recommended_scheduler(stealing);  // only when asked
  CHECK(caf::get_or(stealing, "scheduler.policy", caf::atom("unset")) == caf::atom("sharing"));
}

TEST_CASE("a host's own message type travels between two host actors while Warden serves",
          "[actors]") {
  CHECK(std::string{caf::type_name_by_id<actors::first_host_type_id>::value} == "host_app::Ping");
  test::TempDir dir;
  test::TestConfig config;  // Warden's block
  config.add_message_types<caf::id_block::warden_test_host>();
  caf::actor_system system{config};
  actors::WardenConfig warden_config;
  warden_config.plugins.push_back({dir.write("headers.js", test::header_plugin("headers"))});
  auto warden = test::start_or_fail(system, warden_config);
  const auto supervisor = warden->supervisor();

  // Answers a Ping with the number of findings Warden reports for transaction 7.
  // What an actor needs goes in as a spawn argument, not a capture: CAF 0.17
  // binds a null std::tuple<> when a function actor gets none (UBSan reports it).
  auto scanner = system.spawn(
      [](caf::event_based_actor* self, actors::warden_actor supervisor) -> caf::behavior {
        return {
            [=](host_app::Ping& ping) {
              auto promise = self->make_response_promise<host_app::Ping>();
              self->request(supervisor, caf::infinite, scan_atom::value, test::make_transaction(7))
                  .then(
                      [=](actors::ScanReport& report) mutable {
                        promise.deliver(
                            host_app::Ping{ping.text + " pong", report.findings.size()});
                      },
                      [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
              return promise;
            },
        };
      },
      supervisor);
  // Forwards a Ping to the scanner: the host's type between two pooled actors.
  auto asker = system.spawn(
      [](caf::event_based_actor* self, caf::actor scanner) -> caf::behavior {
        return {
            [=](host_app::Ping& ping) {
              auto promise = self->make_response_promise<host_app::Ping>();
              self->request(scanner, caf::infinite, std::move(ping))
                  .then([=](host_app::Ping& answer) mutable { promise.deliver(std::move(answer)); },
                        [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
              return promise;
            },
        };
      },
      scanner);

  caf::scoped_actor self{system};
  std::string text;
  std::size_t findings = 0;
  self->request(asker, std::chrono::seconds{60}, host_app::Ping{"ping", 0})
      .receive(
          [&](host_app::Ping& answer) {
            text = answer.text;
            findings = answer.findings;
          },
          [&](caf::error& error) { FAIL("Ping failed: " << system.render(error)); });
  CHECK(text == "ping pong");
  // header_plugin: one finding per X- header (3 on transaction 7) and one for "secret" in the URL.
  CHECK(findings == 4);
  self->send_exit(asker, caf::exit_reason::user_shutdown);
  self->send_exit(scanner, caf::exit_reason::user_shutdown);
  warden->shutdown();
}
