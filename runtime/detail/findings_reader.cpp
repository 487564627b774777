// Reads and checks the findings a plugin's scan() returned (the plugin contract's rules).
#include "runtime/detail/findings_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "runtime/detail/js_error.hpp"
#include "runtime/detail/v8_strings.hpp"

namespace warden::runtime::detail {
namespace {

constexpr uint32_t kMaxReferences = 100;  // a finding's references beyond these are dropped

v8::Eternal<v8::String> internalized(v8::Isolate* isolate, const char* name) {
  return v8::Eternal<v8::String>(
      isolate,
      v8::String::NewFromUtf8(isolate, name, v8::NewStringType::kInternalized).ToLocalChecked());
}

}  // namespace

FindingsReader::FindingsReader(v8::Isolate* isolate, std::string file, std::size_t max_findings)
    : isolate_(isolate),
      file_(std::move(file)),
      max_findings_(max_findings),
      title_(internalized(isolate, "title")),
      severity_(internalized(isolate, "severity")),
      description_(internalized(isolate, "description")),
      evidence_(internalized(isolate, "evidence")),
      cwe_(internalized(isolate, "cwe")),
      confidence_(internalized(isolate, "confidence")),
      param_(internalized(isolate, "param")),
      other_info_(internalized(isolate, "otherInfo")),
      solution_(internalized(isolate, "solution")),
      references_(internalized(isolate, "references")),
      wasc_(internalized(isolate, "wasc")) {}

template <typename Where, typename Thrown>
std::optional<Error> FindingsReader::read_optional_fields(
    v8::Local<v8::Context> ctx, v8::Local<v8::Object> object, const Where& /*where*/,
    const Thrown& thrown, const EngineLimits& limits, Finding& finding) const {
  // Added to contract version 1 later: a value of another type is ignored, as
  // unknown fields are, since older plugins may use these names for their own.
  v8::Isolate* isolate = isolate_;
  auto text = [&](const v8::Eternal<v8::String>& key, std::string& out) -> std::optional<Error> {
    v8::Local<v8::Value> value;
    if (!object->Get(ctx, key.Get(isolate)).ToLocal(&value))
      return thrown();
    if (value->IsString())
      out = to_std_capped(isolate, value, limits.max_text_bytes);
    return std::nullopt;
  };
  if (auto error = text(param_, finding.param))
    return error;
  if (auto error = text(other_info_, finding.other_info))
    return error;
  if (auto error = text(solution_, finding.solution))
    return error;
  v8::Local<v8::Value> references, wasc;
  if (!object->Get(ctx, references_.Get(isolate)).ToLocal(&references))
    return thrown();
  if (references->IsArray()) {
    v8::Local<v8::Array> list = references.As<v8::Array>();
    const uint32_t count = std::min<uint32_t>(list->Length(), kMaxReferences);
    for (uint32_t i = 0; i < count; ++i) {
      v8::Local<v8::Value> item;
      if (!list->Get(ctx, i).ToLocal(&item))
        return thrown();
      if (item->IsString())
        finding.references.push_back(to_std_capped(isolate, item, limits.max_text_bytes));
    }
  }
  if (!object->Get(ctx, wasc_.Get(isolate)).ToLocal(&wasc))
    return thrown();
  if (wasc->IsNumber()) {
    double number = wasc.As<v8::Number>()->Value();
    if (number >= 1 && number <= INT32_MAX &&
        number == static_cast<double>(static_cast<int>(number)))
      finding.wasc = static_cast<int>(number);
  }
  return std::nullopt;
}

Result<std::vector<Finding>> FindingsReader::read(
    v8::Local<v8::Context> ctx, v8::Local<v8::Value> value, const Transaction& transaction,
    const std::string& plugin_id, const EngineLimits& limits, v8::TryCatch& try_catch) const {
  v8::Isolate* isolate = isolate_;
  auto invalid = [&](std::string message) {
    return Error{ErrorCode::invalid_result, std::move(message), file_};
  };
  auto thrown = [&]() {
    return js_error(isolate, ErrorCode::js_exception, "", JsException::caught(try_catch), file_,
                    limits.max_text_bytes);
  };
  auto text = [&](v8::Local<v8::Value> field) {
    return to_std_capped(isolate, field, limits.max_text_bytes);
  };
  std::size_t total_bytes = 0;
  if (!value->IsArray()) {
    return invalid("scan returned " + describe_type(value) + ", expected an array");
  }
  v8::Local<v8::Array> array = value.As<v8::Array>();
  const uint32_t count = array->Length();
  if (count > max_findings_) {
    return invalid("scan returned " + std::to_string(count) + " findings, more than the limit of " +
                   std::to_string(max_findings_));
  }
  if (count == 0)
    return std::vector<Finding>();
  v8::Local<v8::String> k_title = title_.Get(isolate);
  v8::Local<v8::String> k_severity = severity_.Get(isolate);
  v8::Local<v8::String> k_description = description_.Get(isolate);
  v8::Local<v8::String> k_evidence = evidence_.Get(isolate);
  v8::Local<v8::String> k_cwe = cwe_.Get(isolate);
  v8::Local<v8::String> k_confidence = confidence_.Get(isolate);

  std::vector<Finding> findings;
  findings.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    // Built only for an error message: most findings are valid.
    auto where = [i] { return "finding " + std::to_string(i) + ": "; };
    v8::Local<v8::Value> item;
    if (!array->Get(ctx, i).ToLocal(&item))
      return thrown();
    if (!item->IsObject() || item->IsFunction()) {
      return invalid(where() + "expected an object, got " + describe_type(item));
    }
    v8::Local<v8::Object> object = item.As<v8::Object>();
    Finding finding;
    finding.plugin_id = plugin_id;
    finding.transaction_id = transaction.id;
    finding.url = transaction.request.url;

    v8::Local<v8::Value> title, severity, description, evidence, cwe, confidence;
    if (!object->Get(ctx, k_title).ToLocal(&title))
      return thrown();
    if (!title->IsString() || title.As<v8::String>()->Length() == 0) {
      return invalid(where() + "title must be a non-empty string");
    }
    finding.title = text(title);

    if (!object->Get(ctx, k_severity).ToLocal(&severity))
      return thrown();
    if (!severity->IsString()) {
      return invalid(where() + "severity must be one of info, low, medium, high, critical (got " +
                     describe_type(severity) + ")");
    }
    std::string severity_text = text(severity);
    std::optional<Severity> parsed_severity = parse_severity(severity_text);
    if (!parsed_severity)
      return invalid(where() + "unknown severity '" + severity_text + "'");
    finding.severity = *parsed_severity;

    // Optional fields: undefined or null mean absent.
    if (!object->Get(ctx, k_description).ToLocal(&description))
      return thrown();
    if (!description->IsNullOrUndefined()) {
      if (!description->IsString())
        return invalid(where() + "description must be a string");
      finding.description = text(description);
    }
    if (!object->Get(ctx, k_evidence).ToLocal(&evidence))
      return thrown();
    if (!evidence->IsNullOrUndefined()) {
      if (!evidence->IsString())
        return invalid(where() + "evidence must be a string");
      finding.evidence = text(evidence);
    }
    if (!object->Get(ctx, k_cwe).ToLocal(&cwe))
      return thrown();
    if (!cwe->IsNullOrUndefined()) {
      double number = cwe->IsNumber() ? cwe.As<v8::Number>()->Value() : 0;
      if (!cwe->IsNumber() || !(number >= 1) || number > INT32_MAX ||
          number != static_cast<double>(static_cast<int>(number))) {
        return invalid(where() + "cwe must be a positive integer");
      }
      finding.cwe = static_cast<int>(number);
    }
    if (!object->Get(ctx, k_confidence).ToLocal(&confidence))
      return thrown();
    if (!confidence->IsNullOrUndefined()) {
      std::optional<Confidence> parsed;
      if (confidence->IsString())
        parsed = parse_confidence(text(confidence));
      if (!parsed) {
        return invalid(
            where() + "confidence must be low, medium or high, got " +
            (confidence->IsString() ? "'" + text(confidence) + "'" : describe_type(confidence)));
      }
      finding.confidence = *parsed;
    }
    if (auto error = read_optional_fields(ctx, object, where, thrown, limits, finding))
      return *error;
    total_bytes += finding.title.size() + finding.description.size() + finding.evidence.size() +
                   finding.param.size() + finding.other_info.size() + finding.solution.size();
    for (const auto& reference : finding.references)
      total_bytes += reference.size();
    if (total_bytes > limits.max_findings_bytes) {
      return invalid(where() + "the findings' text exceeds the limit of " +
                     std::to_string(limits.max_findings_bytes) + " bytes per scan");
    }
    findings.push_back(std::move(finding));
  }
  return findings;
}

}  // namespace warden::runtime::detail
