#include "bench/runners/wire_format.hpp"

#include <memory>
#include <stdexcept>

namespace warden::bench::wire {
namespace {

void put_headers(Writer& out, const std::vector<Header>& headers) {
  out.u32(static_cast<uint32_t>(headers.size()));
  for (const auto& header : headers) {
    out.str(header.name);
    out.str(header.value);
  }
}

std::vector<Header> get_headers(Reader& in) {
  std::vector<Header> headers(in.u32());
  for (auto& header : headers) {
    header.name = in.str();
    header.value = in.str();
  }
  return headers;
}

}  // namespace

void Writer::u32(uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8)
    bytes_.push_back(static_cast<char>(value >> shift));
}

void Writer::u64(uint64_t value) {
  u32(static_cast<uint32_t>(value));
  u32(static_cast<uint32_t>(value >> 32));
}

void Writer::str(std::string_view text) {
  u32(static_cast<uint32_t>(text.size()));
  bytes_.append(text);
}

std::string_view Reader::take(std::size_t count) {
  if (count > rest_.size())
    throw std::runtime_error("truncated message");
  auto bytes = rest_.substr(0, count);
  rest_.remove_prefix(count);
  return bytes;
}

Kind Reader::kind() {
  return static_cast<Kind>(take(1)[0]);
}

uint8_t Reader::u8() {
  return static_cast<uint8_t>(take(1)[0]);
}

uint32_t Reader::u32() {
  auto bytes = take(4);
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i)
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

uint64_t Reader::u64() {
  const uint64_t low = u32();
  return low | (static_cast<uint64_t>(u32()) << 32);
}

std::string Reader::str() {
  return std::string{take(u32())};
}

std::string encode_scan(const Transaction& transaction) {
  Writer out{Kind::scan};
  out.str(transaction.id);
  out.str(transaction.started_date_time);
  const auto& request = transaction.request;
  out.str(request.method);
  out.str(request.url);
  out.str(request.http_version);
  put_headers(out, request.headers);
  out.u8(request.body ? 1 : 0);
  out.str(request.body ? *request.body : std::string_view{});
  const auto& response = transaction.response;
  out.u32(static_cast<uint32_t>(response.status));
  out.str(response.status_text);
  out.str(response.http_version);
  put_headers(out, response.headers);
  out.str(response.mime_type);
  out.str(response.body);
  out.str(response.body_encoding);
  return out.take();
}

TransactionPtr decode_transaction(Reader& in) {
  auto transaction = std::make_shared<Transaction>();
  transaction->id = in.str();
  transaction->started_date_time = in.str();
  auto& request = transaction->request;
  request.method = in.str();
  request.url = in.str();
  request.http_version = in.str();
  request.headers = get_headers(in);
  const bool has_body = in.u8() != 0;
  std::string body = in.str();
  if (has_body)
    request.body = std::move(body);
  auto& response = transaction->response;
  response.status = static_cast<int>(in.u32());
  response.status_text = in.str();
  response.http_version = in.str();
  response.headers = get_headers(in);
  response.mime_type = in.str();
  response.body = in.str();
  response.body_encoding = in.str();
  return transaction;
}

std::string encode_result(const Result<std::vector<Finding>>& found) {
  Writer out{Kind::result};
  if (!found) {
    out.u8(0);
    out.str(found.error().describe());
    return out.take();
  }
  out.u8(1);
  out.u32(static_cast<uint32_t>(found->size()));
  for (const auto& finding : *found) {
    out.str(finding.title);
    out.str(to_string(finding.severity));
  }
  return out.take();
}

std::string encode_pong(std::string_view plugin_id, uint64_t cpu_microseconds) {
  Writer out{Kind::ping};
  out.str(plugin_id);
  out.u64(cpu_microseconds);
  return out.take();
}

}  // namespace warden::bench::wire
