// Claim: the scheduler policy Warden recommends (work sharing,
// warden::actors::use_recommended_scheduler) serves a host's pooled actors at
// a lower latency and CPU cost than CAF's default (work stealing), and does
// not matter to hosts that talk to Warden only through the blocking facade
// (Warden's own supervisor and workers are detached).
//
// Prints, in one run, for each policy (rounds alternate the order): requests
// per second, latency p50/p99 and the process's CPU seconds (user + system)
// for
//   facade:  Warden::scan from the main thread, one at a time (control);
//   chain:   a pooled host actor sending scans to the supervisor with
//            request(...).then(...), the next when the answer arrives;
//   relay:   the main thread asking a pooled host actor that forwards each
//            scan to the supervisor (request/then, response promise);
//   stream:  Warden::scan_stream, pipelined (control).
//
//   scheduler_bench [--scans N] [--rounds N]   (--benchmark_* flags are ignored)
// Corpus: WARDEN_SHARED_CORPUS, else examples/demo.har. Plugins: plugins/*.js.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/all.hpp>

#include "actors/latency_histogram.hpp"
#include "bench/bench_flags.hpp"
#include "bench/cpu_time.hpp"
#include "bench/inputs.hpp"
#include "warden/har_reader.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using warden::TransactionPtr;
using warden::actors::LatencyHistogram;
using warden::actors::scan_atom;
using warden::actors::ScanReport;
using warden::actors::warden_actor;

struct Figures {
  double seconds = 0;
  double cpu_seconds = 0;
  std::size_t requests = 0;
  std::size_t answers = 0;
  LatencyHistogram latency;
};

// Times `body` (which fills latency and answers) in wall and CPU seconds.
template <class Body>
Figures measure(std::size_t requests, Body&& body) {
  Figures figures;
  figures.requests = requests;
  const double cpu_before = warden::bench::self_cpu_seconds();
  const auto start = Clock::now();
  body(figures);
  figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  figures.cpu_seconds = warden::bench::self_cpu_seconds() - cpu_before;
  return figures;
}

// A pooled host actor: one scan at a time, the next when the answer arrives.
void chain_step(caf::event_based_actor* self, warden_actor warden,
                const std::vector<TransactionPtr>* input, std::size_t next, Figures* figures,
                std::shared_ptr<std::promise<void>> done) {
  if (next == input->size()) {
    done->set_value();
    self->quit();
    return;
  }
  const auto sent = Clock::now();
  self->request(warden, caf::infinite, scan_atom::value, (*input)[next])
      .then(
          [=](ScanReport&) {
            figures->latency.record(Clock::now() - sent);
            ++figures->answers;
            chain_step(self, warden, input, next + 1, figures, done);
          },
          [=](caf::error&) { chain_step(self, warden, input, next + 1, figures, done); });
}

// A pooled host actor that forwards each scan to Warden and answers with its report.
caf::behavior relay(caf::event_based_actor* self, warden_actor warden) {
  return {
      [=](scan_atom, TransactionPtr transaction) {
        auto promise = self->make_response_promise<ScanReport>();
        self->request(warden, caf::infinite, scan_atom::value, std::move(transaction))
            .then([promise](ScanReport& report) mutable { promise.deliver(std::move(report)); },
                  [promise](caf::error& error) mutable { promise.deliver(std::move(error)); });
        return promise;
      },
  };
}

void print(const char* policy, const char* name, const Figures& f) {
  std::printf(
      "%-9s %-7s %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %6.2f s for %5.2f s wall"
      "  answered %zu/%zu\n",
      policy, name, static_cast<double>(f.requests) / f.seconds, f.latency.quantile_ms(0.5),
      f.latency.quantile_ms(0.99), f.cpu_seconds, f.seconds, f.answers, f.requests);
}

bool run_policy(const char* policy, const std::vector<std::string>& plugins,
                const std::vector<TransactionPtr>& input) {
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  caf_config.set("scheduler.policy", std::string_view{policy} == "sharing" ? caf::atom("sharing")
                                                                           : caf::atom("stealing"));
  caf::actor_system system{caf_config};
  warden::actors::WardenConfig config;
  for (const auto& path : plugins)
    config.plugins.push_back({path});
  config.console = [](warden::runtime::LogLevel, std::string_view, std::string_view) {};
  auto started = warden::actors::Warden::start(system, config);
  if (!started) {
    std::fprintf(stderr, "Warden::start: %s\n", started.error().describe().c_str());
    return false;
  }
  auto& warden = **started;
  (void)warden.scan(input.front());  // warm-up: every worker has loaded
  const auto supervisor = warden.supervisor();

  const auto facade = measure(input.size(), [&](Figures& f) {
    for (const auto& transaction : input) {
      const auto sent = Clock::now();
      (void)warden.scan(transaction);
      f.latency.record(Clock::now() - sent);
      ++f.answers;
    }
  });
  print(policy, "facade", facade);

  const auto chain = measure(input.size(), [&](Figures& f) {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    // `done` as a spawn argument: CAF 0.17 binds a null std::tuple<> when a
    // function actor gets none.
    system.spawn(
        [&](caf::event_based_actor* self,
            std::shared_ptr<std::promise<void>> done) -> caf::behavior {
          chain_step(self, supervisor, &input, 0, &f, done);
          return {[](int) {}};
        },
        done);
    finished.wait();
  });
  print(policy, "chain", chain);

  const auto relayed = measure(input.size(), [&](Figures& f) {
    auto host = system.spawn(relay, supervisor);
    caf::scoped_actor self{system};
    for (const auto& transaction : input) {
      const auto sent = Clock::now();
      self->request(host, caf::infinite, scan_atom::value, transaction)
          .receive(
              [&](ScanReport&) {
                f.latency.record(Clock::now() - sent);
                ++f.answers;
              },
              [](caf::error&) {});
    }
    caf::anon_send_exit(host, caf::exit_reason::user_shutdown);
  });
  print(policy, "relay", relayed);

  std::vector<Clock::time_point> sent(input.size());
  const auto stream = measure(input.size(), [&](Figures& f) {
    std::size_t next = 0;
    warden.scan_stream(
        [&]() -> std::optional<TransactionPtr> {
          if (next == input.size())
            return std::nullopt;
          sent[next] = Clock::now();
          return input[next++];
        },
        [&, index = std::size_t{0}](ScanReport&&) mutable {
          f.latency.record(Clock::now() - sent[index++]);
          ++f.answers;
        });
  });
  print(policy, "stream", stream);
  warden.shutdown();
  return facade.answers == facade.requests && chain.answers == chain.requests &&
         relayed.answers == relayed.requests && stream.answers == stream.requests;
}

}  // namespace

int main(int argc, char* argv[]) {
  std::size_t scans = 2000;
  std::size_t rounds = 2;
  CLI::App app{"CAF's two scheduler policies serving a host's pooled actors that talk to Warden.",
               "scheduler_bench"};
  app.add_option("--scans", scans, "requests per case")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--rounds", rounds, "rounds per policy, the policies' order alternating")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.footer("Google Benchmark's --benchmark_* flags are accepted and ignored.");
  if (const auto exit_code = warden::bench::parse_bench_flags(app, argc, argv))
    return *exit_code;
  if (std::getenv("WARDEN_BENCH_SMOKE") != nullptr) {
    scans = std::min<std::size_t>(scans, 100);
    rounds = 1;
  }
  warden::runtime::V8Platform v8;
  std::vector<TransactionPtr> corpus;
  const std::filesystem::path corpus_dir{WARDEN_SHARED_CORPUS};
  if (std::filesystem::is_directory(corpus_dir))
    corpus = warden::bench::read_corpus(corpus_dir);
  if (corpus.empty()) {
    (void)warden::runtime::read_har_file(
        WARDEN_SOURCE_DIR "/examples/demo.har", [&](warden::Transaction&& transaction) {
          corpus.push_back(std::make_shared<const warden::Transaction>(std::move(transaction)));
          return true;
        });
  }
  std::vector<std::string> plugins;
  for (const auto& file : warden::bench::bundled_plugin_files())
    plugins.push_back(file.string());
  if (corpus.empty() || plugins.empty()) {
    std::printf("scheduler_bench: skipped, no transactions or no plugins\n");
    return 0;
  }
  std::vector<TransactionPtr> input;
  for (std::size_t i = 0; i < scans; ++i)
    input.push_back(corpus[i % corpus.size()]);
  std::printf("scheduler_bench: %zu scans per case, %zu plugins, %u hardware threads, %zu rounds\n",
              input.size(), plugins.size(), std::thread::hardware_concurrency(), rounds);
  bool complete = true;
  for (std::size_t round = 0; round < rounds; ++round) {
    const bool sharing_first = round % 2 == 0;
    complete &= run_policy(sharing_first ? "sharing" : "stealing", plugins, input);
    complete &= run_policy(sharing_first ? "stealing" : "sharing", plugins, input);
  }
  return complete ? 0 : 1;
}
