// The encoding of each worker-process message (load, scan, console, loaded,
// errors, scan answers, fork-server control), with range checks on decode.
#include <utility>

#include "runtime/detail/process_wire.hpp"

namespace warden::runtime::detail::wire {
namespace {

constexpr uint8_t kMaxErrorCode = static_cast<uint8_t>(ErrorCode::malformed_input);
constexpr uint8_t kMaxLogLevel = static_cast<uint8_t>(LogLevel::error);
constexpr uint8_t kMaxSeverity = static_cast<uint8_t>(Severity::critical);
constexpr uint8_t kMaxConfidence = static_cast<uint8_t>(Confidence::high);
constexpr uint8_t kMaxKind = static_cast<uint8_t>(PluginKind::zap_passive);
// Counts are checked against what is left before anything is reserved, so a
// hostile count cannot make the reader allocate: every element takes >= 4 bytes.
constexpr uint32_t kMinElementBytes = 4;

std::vector<uint8_t> to_bytes(const std::string& text) {
  return {text.begin(), text.end()};
}

std::string_view as_text(const std::vector<uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A count read from the payload, refused when larger than the bytes left allow.
uint32_t count(Reader& in, std::size_t payload_size) {
  const uint32_t n = in.u32();
  if (static_cast<uint64_t>(n) * kMinElementBytes > payload_size) {
    in.fail();
    return 0;
  }
  return n;
}

void put_headers(Writer& out, const std::vector<Header>& headers) {
  out.u32(static_cast<uint32_t>(headers.size()));
  for (const Header& h : headers) {
    out.str(h.name);
    out.str(h.value);
  }
}

std::vector<Header> get_headers(Reader& in, std::size_t payload_size) {
  const uint32_t n = count(in, payload_size);
  std::vector<Header> headers;
  for (uint32_t i = 0; i < n && !in.failed(); ++i) {
    Header h;
    h.name = in.str();
    h.value = in.str();
    headers.push_back(std::move(h));
  }
  return headers;
}

void put_error(Writer& out, const Error& error) {
  out.u8(static_cast<uint8_t>(error.code));
  out.str(error.message);
  out.str(error.file);
  out.i32(error.line);
  out.i32(error.column);
  out.str(error.stack);
}

Error get_error(Reader& in, bool& bad_enum) {
  Error error;
  const uint8_t code = in.u8();
  bad_enum |= code > kMaxErrorCode;
  error.code = static_cast<ErrorCode>(code);
  error.message = in.str();
  error.file = in.str();
  error.line = in.i32();
  error.column = in.i32();
  error.stack = in.str();
  return error;
}

void put_finding(Writer& out, const Finding& f) {
  out.str(f.plugin_id);
  out.str(f.transaction_id);
  out.str(f.url);
  out.str(f.title);
  out.u8(static_cast<uint8_t>(f.severity));
  out.str(f.description);
  out.str(f.evidence);
  out.i32(f.cwe);
  out.u8(static_cast<uint8_t>(f.confidence));
  out.str(f.param);
  out.str(f.other_info);
  out.str(f.solution);
  out.u32(static_cast<uint32_t>(f.references.size()));
  for (const std::string& r : f.references)
    out.str(r);
  out.i32(f.wasc);
}

Finding get_finding(Reader& in, std::size_t payload_size, bool& bad_enum) {
  Finding f;
  f.plugin_id = in.str();
  f.transaction_id = in.str();
  f.url = in.str();
  f.title = in.str();
  const uint8_t severity = in.u8();
  bad_enum |= severity > kMaxSeverity;
  f.severity = static_cast<Severity>(severity);
  f.description = in.str();
  f.evidence = in.str();
  f.cwe = in.i32();
  const uint8_t confidence = in.u8();
  bad_enum |= confidence > kMaxConfidence;
  f.confidence = static_cast<Confidence>(confidence);
  f.param = in.str();
  f.other_info = in.str();
  f.solution = in.str();
  const uint32_t n = count(in, payload_size);
  for (uint32_t i = 0; i < n && !in.failed(); ++i)
    f.references.push_back(in.str());
  f.wasc = in.i32();
  return f;
}

template <class T>
Result<T> checked(const Reader& in, bool bad_enum, std::string_view what, T value) {
  if (bad_enum)
    return malformed(std::string(what) + " has an enum value out of range");
  if (Status status = in.finish(what); !status)
    return std::move(status).error();
  return value;
}

}  // namespace

std::string encode_load(const LoadRequest& request) {
  Writer out(Type::load);
  out.str(request.path);
  out.str(request.code);
  out.str(as_text(request.code_cache));
  out.u64(static_cast<uint64_t>(request.limits.scan_timeout.count()));
  out.u64(static_cast<uint64_t>(request.limits.load_timeout.count()));
  out.u64(request.limits.heap_limit_bytes);
  out.u64(request.limits.max_findings);
  out.u64(request.limits.max_text_bytes);
  out.u64(request.limits.max_findings_bytes);
  out.str(request.config_json);
  out.u8(request.console ? 1 : 0);
  return std::move(out).finish();
}

Result<LoadRequest> decode_load(std::string_view payload) {
  Reader in(payload);
  LoadRequest r;
  r.path = in.str();
  r.code = in.str();
  r.code_cache = to_bytes(in.str());
  r.limits.scan_timeout = std::chrono::milliseconds(in.u64());
  r.limits.load_timeout = std::chrono::milliseconds(in.u64());
  r.limits.heap_limit_bytes = in.u64();
  r.limits.max_findings = in.u64();
  r.limits.max_text_bytes = in.u64();
  r.limits.max_findings_bytes = in.u64();
  r.config_json = in.str();
  const uint8_t console = in.u8();
  r.console = console != 0;
  return checked(in, console > 1, "load request", std::move(r));
}

std::string encode_scan(const Transaction& t) {
  Writer out(Type::scan);
  out.str(t.id);
  out.str(t.started_date_time);
  out.str(t.request.method);
  out.str(t.request.url);
  out.str(t.request.http_version);
  put_headers(out, t.request.headers);
  out.u8(t.request.body ? 1 : 0);
  out.str(t.request.body ? *t.request.body : std::string_view{});
  out.i32(t.response.status);
  out.str(t.response.status_text);
  out.str(t.response.http_version);
  put_headers(out, t.response.headers);
  out.str(t.response.mime_type);
  out.str(t.response.body);
  out.str(t.response.body_encoding);
  out.u32(static_cast<uint32_t>(t.metadata.size()));
  for (const auto& [key, value] : t.metadata) {
    out.str(key);
    out.str(value);
  }
  return std::move(out).finish();
}

Result<Transaction> decode_scan(std::string_view payload) {
  Reader in(payload);
  Transaction t;
  t.id = in.str();
  t.started_date_time = in.str();
  t.request.method = in.str();
  t.request.url = in.str();
  t.request.http_version = in.str();
  t.request.headers = get_headers(in, payload.size());
  const uint8_t has_body = in.u8();
  std::string body = in.str();
  if (has_body == 1)
    t.request.body = std::move(body);
  t.response.status = in.i32();
  t.response.status_text = in.str();
  t.response.http_version = in.str();
  t.response.headers = get_headers(in, payload.size());
  t.response.mime_type = in.str();
  t.response.body = in.str();
  t.response.body_encoding = in.str();
  const uint32_t entries = count(in, payload.size());
  for (uint32_t i = 0; i < entries && !in.failed(); ++i) {
    std::string key = in.str();
    t.metadata.insert_or_assign(std::move(key), in.str());
  }
  return checked(in, has_body > 1, "transaction", std::move(t));
}

std::string encode_console(const ConsoleLine& line) {
  Writer out(Type::console);
  out.u8(static_cast<uint8_t>(line.level));
  out.str(line.plugin_id);
  out.str(line.text);
  return std::move(out).finish();
}

Result<ConsoleLine> decode_console(std::string_view payload) {
  Reader in(payload);
  ConsoleLine line;
  const uint8_t level = in.u8();
  line.level = static_cast<LogLevel>(level);
  line.plugin_id = in.str();
  line.text = in.str();
  return checked(in, level > kMaxLogLevel, "console line", std::move(line));
}

std::string encode_loaded(const Loaded& loaded) {
  Writer out(Type::loaded);
  out.str(loaded.info.id);
  out.str(loaded.info.name);
  out.str(loaded.info.version);
  out.str(loaded.info.path);
  out.u8(static_cast<uint8_t>(loaded.info.kind));
  out.str(loaded.info.help_uri);
  out.u64(loaded.heap_used_bytes);
  out.str(as_text(loaded.code_cache));
  return std::move(out).finish();
}

Result<Loaded> decode_loaded(std::string_view payload) {
  Reader in(payload);
  Loaded loaded;
  loaded.info.id = in.str();
  loaded.info.name = in.str();
  loaded.info.version = in.str();
  loaded.info.path = in.str();
  const uint8_t kind = in.u8();
  loaded.info.kind = static_cast<PluginKind>(kind);
  loaded.info.help_uri = in.str();
  loaded.heap_used_bytes = in.u64();
  loaded.code_cache = to_bytes(in.str());
  return checked(in, kind > kMaxKind, "loaded answer", std::move(loaded));
}

std::string encode_error(Type type, const Error& error) {
  Writer out(type);
  put_error(out, error);
  return std::move(out).finish();
}

Result<ErrorMessage> decode_error(std::string_view payload) {
  Reader in(payload);
  bool bad_enum = false;
  ErrorMessage message{get_error(in, bad_enum)};
  return checked(in, bad_enum, "error", std::move(message));
}

std::string encode_scan_done(const ProcessScan& scan) {
  Writer out(Type::scan_done);
  out.u8(scan.reusable ? 1 : 0);
  out.u64(scan.executions);
  out.u64(scan.heap_used_bytes);
  out.u8(scan.findings.ok() ? 1 : 0);
  if (!scan.findings.ok()) {
    put_error(out, scan.findings.error());
    return std::move(out).finish();
  }
  out.u32(static_cast<uint32_t>(scan.findings->size()));
  for (const Finding& f : *scan.findings)
    put_finding(out, f);
  return std::move(out).finish();
}

Result<ProcessScan> decode_scan_done(std::string_view payload) {
  Reader in(payload);
  ProcessScan scan;
  const uint8_t reusable = in.u8();
  scan.reusable = reusable == 1;
  scan.executions = in.u64();
  scan.heap_used_bytes = in.u64();
  const uint8_t ok = in.u8();
  bool bad_enum = reusable > 1 || ok > 1;
  if (ok == 1) {
    std::vector<Finding> findings;
    const uint32_t n = count(in, payload.size());
    for (uint32_t i = 0; i < n && !in.failed(); ++i)
      findings.push_back(get_finding(in, payload.size(), bad_enum));
    scan.findings = std::move(findings);
  } else {
    scan.findings = get_error(in, bad_enum);
  }
  return checked(in, bad_enum, "scan answer", std::move(scan));
}

std::string encode_empty(Type type) {
  return Writer(type).finish();
}

std::string encode_launch(const LaunchRequest& request) {
  Writer out(Type::launch);
  out.u64(request.address_space_limit_bytes);
  out.u8(request.seccomp ? 1 : 0);
  out.u64(request.sequence);
  return std::move(out).finish();
}

Result<LaunchRequest> decode_launch(std::string_view payload) {
  Reader in(payload);
  LaunchRequest request;
  request.address_space_limit_bytes = in.u64();
  const uint8_t seccomp = in.u8();
  request.seccomp = seccomp != 0;
  request.sequence = in.u64();
  return checked(in, seccomp > 1, "launch request", request);
}

std::string encode_pid(Type type, int32_t pid) {
  Writer out(type);
  out.i32(pid);
  return std::move(out).finish();
}

Result<int32_t> decode_pid(std::string_view payload) {
  Reader in(payload);
  const int32_t pid = in.i32();
  return checked(in, pid <= 0, "pid", pid);
}

std::string encode_launched(const Launched& launched) {
  Writer out(Type::launched);
  out.u64(launched.sequence);
  out.i32(launched.pid);
  return std::move(out).finish();
}

Result<Launched> decode_launched(std::string_view payload) {
  Reader in(payload);
  Launched launched;
  launched.sequence = in.u64();
  launched.pid = in.i32();
  return checked(in, launched.pid <= 0, "launch answer", launched);
}

std::string encode_launch_failed(const LaunchFailed& failed) {
  Writer out(Type::launch_failed);
  out.u64(failed.sequence);
  out.str(failed.why);
  return std::move(out).finish();
}

Result<LaunchFailed> decode_launch_failed(std::string_view payload) {
  Reader in(payload);
  LaunchFailed failed;
  failed.sequence = in.u64();
  failed.why = in.str();
  return checked(in, false, "launch failure", std::move(failed));
}

std::string encode_exited(const Exited& exited) {
  Writer out(Type::exited);
  out.i32(exited.pid);
  out.i32(exited.status);
  return std::move(out).finish();
}

Result<Exited> decode_exited(std::string_view payload) {
  Reader in(payload);
  Exited exited;
  exited.pid = in.i32();
  exited.status = in.i32();
  return checked(in, exited.pid <= 0, "exit report", exited);
}

}  // namespace warden::runtime::detail::wire
