#pragma once
// The plugin contract's check of what scan() returned: an array of at most
// max_findings objects with a title, a severity and optional description,
// evidence, cwe, confidence, param, otherInfo, solution, references and wasc,
// read into Findings. Private to runtime/.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <v8.h>

#include "warden/engine.hpp"
#include "warden/finding.hpp"
#include "warden/result.hpp"
#include "warden/transaction.hpp"

namespace warden::runtime::detail {

// One per engine, built and used on the engine's thread inside its isolate.
class FindingsReader {
 public:
  // Internalizes the keys read on every scan once: a fresh key string per Get
  // costs an allocation and a string-table lookup. `file` names the plugin in
  // errors.
  FindingsReader(v8::Isolate* isolate, std::string file, std::size_t max_findings);

  // The findings in `value`, tagged with plugin id, transaction id and URL.
  // Each text field is cut to `limits.max_text_bytes` (marked); findings whose
  // text adds up to more than `limits.max_findings_bytes` are refused as
  // invalid_result, so a plugin cannot make the host copy unbounded text.
  // Errors: invalid_result naming the finding and the field, or the
  // js_exception a getter or Proxy trap threw (read from `try_catch`). Reads
  // through V8's API, not JS built-ins a plugin can replace, but getters run
  // plugin code: call it under the scan's deadline.
  Result<std::vector<Finding>> read(v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                                    const Transaction& transaction, const std::string& plugin_id,
                                    const EngineLimits& limits, v8::TryCatch& try_catch) const;

 private:
  // A finding's param, otherInfo, solution, references and wasc (all optional;
  // values of another type are ignored).
  template <typename Where, typename Thrown>
  std::optional<Error> read_optional_fields(v8::Local<v8::Context> context,
                                            v8::Local<v8::Object> object, const Where& where,
                                            const Thrown& thrown, const EngineLimits& limits,
                                            Finding& finding) const;

  v8::Isolate* isolate_;
  std::string file_;
  std::size_t max_findings_;
  v8::Eternal<v8::String> title_, severity_, description_, evidence_, cwe_, confidence_;
  v8::Eternal<v8::String> param_, other_info_, solution_, references_, wasc_;
};

}  // namespace warden::runtime::detail
