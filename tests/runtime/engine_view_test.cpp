// The transaction view (runtime/detail/transaction_view.*) is plain data exactly
// as the plugin contract shows it: key order, JSON form, spreads, descriptors,
// prototypes, independence between scans, and immunity to a plugin that
// tampers with the built-in prototypes the view's builder could have used.
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "tests/runtime/engine_test_support.hpp"
#include "warden/engine.hpp"

using namespace warden;
using namespace warden::test;

namespace {

// The sample transaction as JSON.stringify saw it before the view was built by
// a JS builder (C++ templates then): keys in the contract's order.
constexpr const char* kSampleJson =
    R"({"id":"17","startedDateTime":"2024-05-01T10:00:00.000Z",)"
    R"("request":{"method":"GET","url":"https://example.com/login?next=/",)"
    R"("httpVersion":"HTTP/1.1","headers":[{"name":"Host","value":"example.com"},)"
    R"({"name":"Cookie","value":"sid=abc"}],"body":null},)"
    R"("response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1",)"
    R"("headers":[{"name":"Content-Type","value":"text/html; charset=utf-8"},)"
    R"({"name":"Set-Cookie","value":"sid=abc; Path=/"}],)"
    R"("mimeType":"text/html; charset=utf-8","body":"<html><body>hello</body></html>",)"
    R"("bodyEncoding":""}})";

// Runs `body` as scan's body over `transaction` and returns the first finding's title.
std::string title_of(const std::string& body, TransactionPtr transaction = sample_transaction()) {
  auto engine = load_code(plugin_with_scan(body));
  REQUIRE(engine.ok());
  auto findings = engine->scan(transaction);
  if (!findings.ok())
    FAIL(findings.error().describe());
  REQUIRE(findings->size() == 1);
  return (*findings)[0].title;
}

}  // namespace

TEST_CASE("JSON.stringify of the view gives the contract's shape, keys in order", "[runtime]") {
  CHECK(title_of("return [{ title: JSON.stringify(txn), severity: 'info' }];") == kSampleJson);
}

TEST_CASE("Object.keys of every view object lists the contract's keys in order", "[runtime]") {
  CHECK(title_of(R"(
    const keys = [txn, txn.request, txn.response, txn.request.headers[0],
                  txn.response.headers[1]].map(o => Object.keys(o).join(','));
    return [{ title: keys.join('|'), severity: 'info' }];)") ==
        "id,startedDateTime,request,response|method,url,httpVersion,headers,body|"
        "status,statusText,httpVersion,headers,mimeType,body,bodyEncoding|name,value|name,value");
}

TEST_CASE("spreading and copying the view gives the same data", "[runtime]") {
  CHECK(title_of(R"(
    const copy = { ...txn, request: { ...txn.request }, response: { ...txn.response } };
    const assigned = Object.assign({}, txn);
    const same = JSON.stringify(copy) === JSON.stringify(txn) &&
                 JSON.stringify(assigned) === JSON.stringify(txn) &&
                 JSON.stringify({ ...txn.request }) === JSON.stringify(txn.request);
    return [{ title: String(same), severity: 'info' }];)") == "true");
}

TEST_CASE("view properties are plain writable, enumerable, configurable data properties",
          "[runtime]") {
  CHECK(title_of(R"(
    const plain = (o, k) => {
      const d = Object.getOwnPropertyDescriptor(o, k);
      return 'value' in d && d.writable && d.enumerable && d.configurable && !d.get && !d.set;
    };
    const objects = [txn, txn.request, txn.response, txn.request.headers[0]];
    const all = objects.every(o => Object.keys(o).every(k => plain(o, k)) &&
                                   Object.getPrototypeOf(o) === Object.prototype);
    const arrays = Array.isArray(txn.request.headers) && Array.isArray(txn.response.headers) &&
                   txn.response.headers.length === 2 && txn.request.headers !== txn.response.headers &&
                   txn.response.headers === txn.response.headers;
    return [{ title: String(all && arrays) + ':' + Object.prototype.toString.call(txn),
              severity: 'info' }];)") == "true:[object Object]");
}

TEST_CASE("a plugin may mutate its view and the next scan gets a fresh one", "[runtime]") {
  auto engine = load_code(
      "let seen = [];\nexport default { id: 'mutator', scan(txn) {\n"
      "  seen.push(JSON.stringify(txn));\n"
      "  txn.request.headers.push({ name: 'X', value: 'y' }); txn.response.headers.length = 0;\n"
      "  txn.response.body = 'changed'; delete txn.id; txn.extra = 1; txn.request.url += '#';\n"
      "  txn.request.headers[0].name = 'changed';\n"
      "  return [{ title: String(seen.length === 1 || seen[0] === seen[seen.length - 1]),\n"
      "            severity: 'info' }]; } };\n");
  REQUIRE(engine.ok());
  auto transaction = sample_transaction();
  for (int i = 0; i < 3; ++i) {
    auto findings = engine->scan(transaction);
    REQUIRE(findings.ok());
    CHECK((*findings)[0].title == "true");
  }
}

TEST_CASE("a plugin that tampers with built-in prototypes cannot change its view", "[runtime]") {
  // Setters for indices and for 'name'/'value' on the prototypes, a replaced
  // Array and an Array.prototype.push that throws: the view must not use any.
  auto engine = load_code(R"(
    Object.defineProperty(Array.prototype, '0', { set() { throw new Error('index setter'); },
                                                  get() { return 'proto'; }, configurable: true });
    Object.defineProperty(Object.prototype, 'name', { set() { throw new Error('name setter'); },
                                                      configurable: true });
    Object.defineProperty(Object.prototype, 'length', { set() { throw new Error('length'); },
                                                        configurable: true });
    Array.prototype.push = () => { throw new Error('push'); };
    globalThis.Array = function () { throw new Error('Array'); };
    globalThis.Object = function () { throw new Error('Object'); };
    export default { id: 'tamper', scan(txn) {
      return [{ title: txn.request.headers.map(h => h.name + '=' + h.value).join(',') + '|' +
                       txn.response.headers.length, severity: 'info' }];
    } };)");
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  if (!findings.ok())
    FAIL(findings.error().describe());
  CHECK((*findings)[0].title == "Host=example.com,Cookie=sid=abc|2");
}

TEST_CASE("long header lists keep every pair, in order", "[runtime]") {
  auto t = std::make_shared<Transaction>(*sample_transaction());
  t->response.headers.clear();
  for (int i = 0; i < 300; ++i) {
    std::string name = std::to_string(i);
    name.insert(name.begin(), 'h');  // not "h" + ...: GCC 12 -Wrestrict false positive
    t->response.headers.push_back({name, std::string(i, 'v')});
  }
  t->request.headers.clear();
  CHECK(title_of(R"(
    const h = txn.response.headers;
    const ok = h.every((x, i) => x.name === 'h' + i && x.value.length === i);
    return [{ title: h.length + ':' + ok + ':' + txn.request.headers.length,
              severity: 'info' }];)",
                 t) == "300:true:0");
}

TEST_CASE("header lists of every size keep every pair, in order, both ways of building them",
          "[runtime]") {
  // Up to 512 pairs and 16 KiB of ASCII text are cut from one string; more,
  // or any byte over 0x7f, go header by header. Both must give the same list.
  for (int count : {0, 1, 63, 64, 65, 200, 512, 513, 700}) {
    auto t = std::make_shared<Transaction>(*sample_transaction());
    t->response.headers.clear();
    for (int i = 0; i < count; ++i) {
      std::string name = std::to_string(i);
      name.insert(name.begin(), 'h');  // not "h" + ...: GCC 12 -Wrestrict false positive
      t->response.headers.push_back({name, std::to_string(i * 7)});
    }
    if (count == 200)
      t->response.headers.back().value = "caf\xC3\xA9";  // the per-header way
    CAPTURE(count);
    CHECK(title_of(R"(
      const h = txn.response.headers;
      const ok = h.every((x, i) => x.name === 'h' + i &&
                                   x.value === (h.length === 200 && i === 199 ? 'caf\u00e9' : String(i * 7)) &&
                                   Object.keys(x).join() === 'name,value');
      return [{ title: h.length + ':' + ok + ':' + Array.isArray(h), severity: 'info' }];)",
                   t) == std::to_string(count) + ":true:true");
  }
}

TEST_CASE("a plugin that replaces substring, call and bind cannot change its headers",
          "[runtime]") {
  auto engine = load_code(R"(
    String.prototype.substring = () => { throw new Error('substring'); };
    String.prototype.slice = () => { throw new Error('slice'); };
    Function.prototype.call = () => { throw new Error('call'); };
    Function.prototype.bind = () => { throw new Error('bind'); };
    Function.prototype.apply = () => { throw new Error('apply'); };
    Object.defineProperty(Array.prototype, '1', { set() { throw new Error('index'); },
                                                  configurable: true });
    // Last: once Object.prototype has 'value', every descriptor literal inherits it.
    Object.defineProperty(Object.prototype, 'value', { set() { throw new Error('value'); },
                                                       configurable: true });
    export default { id: 'tamper-strings', scan(txn) {
      let text = '';
      for (const h of txn.request.headers) text += (text ? ',' : '') + h.name + '=' + h.value;
      return [{ title: text + '|' + txn.response.headers.length, severity: 'info' }];
    } };)");
  if (!engine.ok())
    FAIL(engine.error().describe());
  for (int i = 0; i < 2; ++i) {
    auto findings = engine->scan(sample_transaction());
    if (!findings.ok())
      FAIL(findings.error().describe());
    CHECK((*findings)[0].title == "Host=example.com,Cookie=sid=abc|2");
  }
}

TEST_CASE("header names and values arrive intact: long ASCII, UTF-8, invalid UTF-8, empty",
          "[runtime]") {
  auto t = std::make_shared<Transaction>(*sample_transaction());
  t->response.headers = {{"X-Long", std::string(5000, 'x') + "end"},
                         {"X-Utf8", "caf\xC3\xA9"},
                         {"X-Bad", "ok\xFF"},
                         {"", ""}};
  CHECK(title_of(R"(
    const h = txn.response.headers;
    return [{ title: [h[0].value.length, h[0].value.slice(-3), h[1].value, h[2].value,
                      JSON.stringify(h[3])].join('|'), severity: 'info' }];)",
                 t) == "5003|end|caf\xC3\xA9|ok\xEF\xBF\xBD|{\"name\":\"\",\"value\":\"\"}");
}

TEST_CASE("repeated header names and fields stay exact across scans of one engine", "[runtime]") {
  // The view reuses strings for text it saw before (a small cache): every
  // scan must still see exactly its own transaction's text.
  auto engine = load_code(plugin_with_scan(
      "return [{ title: [txn.request.method, txn.request.httpVersion, txn.response.statusText,\n"
      "  txn.response.mimeType, txn.response.bodyEncoding,\n"
      "  ...txn.response.headers.map(h => h.name + '=' + h.value)].join('|'), severity: 'info' "
      "}];"));
  REQUIRE(engine.ok());
  auto first = std::make_shared<Transaction>(*sample_transaction());
  first->response.headers = {{"Content-Type", "a"}, {"caf\xC3\xA9", "b"}, {"x", "c"}};
  auto second = std::make_shared<Transaction>(*sample_transaction());
  second->request.method = "POST";
  second->request.http_version = "HTTP/2";
  second->response.status_text = "Not Found";
  second->response.mime_type = "application/json";
  second->response.body_encoding = "base64";
  second->response.headers = {{"content-type", "d"}, {"caf\xC3\xA9s", "e"}, {"X", "f"}};
  for (int i = 0; i < 3; ++i) {
    auto a = engine->scan(first);
    REQUIRE(a.ok());
    CHECK((*a)[0].title ==
          "GET|HTTP/1.1|OK|text/html; charset=utf-8||Content-Type=a|caf\xC3\xA9=b|x=c");
    auto b = engine->scan(second);
    REQUIRE(b.ok());
    CHECK((*b)[0].title ==
          "POST|HTTP/2|Not Found|application/json|base64|content-type=d|caf\xC3\xA9s=e|X=f");
  }
}

TEST_CASE("a view read through a frozen object, a prototype chain or a Proxy gives the same data",
          "[runtime]") {
  // The view's fields are made on first read (native data properties); none
  // of these ways of reaching them may lose or change a value.
  CHECK(title_of(R"(
    const expected = JSON.stringify(txn);
    const frozen = Object.freeze(txn);
    const viaFrozen = JSON.stringify(frozen);
    const child = Object.create(txn.response);
    const viaChild = child.status + ':' + child.headers.length + ':' + (child.headers === txn.response.headers);
    const viaProxy = JSON.stringify(new Proxy(txn.request, {}));
    const viaReflect = Reflect.get(txn.request, 'url', {});
    return [{ title: [viaFrozen === expected, viaChild, viaProxy === JSON.stringify(txn.request),
                      viaReflect].join('|'), severity: 'info' }];)") ==
        "true|200:2:true|true|https://example.com/login?next=/");
}

TEST_CASE("a field read first after the scan returned still has its value", "[runtime]") {
  // A plugin may keep the view and read fields it never touched during the
  // scan later (a promise continuation, the next scan): the view keeps its
  // transaction alive.
  auto engine = load_code(
      "let kept = null;\nexport default { id: 'keeper', scan(txn) {\n"
      "  const before = kept;\n  kept = txn;\n"
      "  if (before === null) return [];\n"
      "  return [{ title: before.request.method + ' ' + before.response.headers[0].value + ' ' +\n"
      "                   before.id, severity: 'info' }]; } };\n");
  REQUIRE(engine.ok());
  auto first = std::make_shared<Transaction>(*sample_transaction());
  first->id = "first";
  REQUIRE(engine->scan(first).ok());
  first.reset();  // the engine's view is the only reference left
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  CHECK((*findings)[0].title == "GET text/html; charset=utf-8 first");
}

TEST_CASE("a long body kept by the plugin outlives the view and the transaction", "[runtime]") {
  // Long ASCII bodies are zero-copy strings over the transaction's memory: the
  // string alone must keep the transaction alive once the view objects that
  // made it are collected (freed, its first bytes would hold malloc's list
  // pointers; V8 reads them uninstrumented, so ASan would not see it).
  auto engine = load_code(
      "let kept = null;\nexport default { id: 'body-keeper', scan(txn) {\n"
      "  if (kept === null) { kept = txn.response.body; return []; }\n"
      "  const junk = [];\n"
      "  for (let i = 0; i < 400; i++) junk.push(new Array(5000).fill(i));\n"
      "  return [{ title: kept.length + ':' + kept.slice(0, 16) + kept.slice(-3) + ':' +\n"
      "                   junk.length,\n"
      "            severity: 'info' }]; } };\n",
      roomy_options());  // 2e6 elements allocated to make V8 collect garbage
  REQUIRE(engine.ok());
  auto first = std::make_shared<Transaction>(*sample_transaction());
  first->response.body = std::string(5000, 'b') + "END";
  REQUIRE(engine->scan(first).ok());
  first.reset();
  auto findings = engine->scan(sample_transaction());
  if (!findings.ok())
    FAIL(findings.error().describe());
  REQUIRE(findings->size() == 1);
  CHECK((*findings)[0].title == "5003:bbbbbbbbbbbbbbbbEND:400");
}

TEST_CASE(
    "txn.metadata is a frozen, prototype-less object of the host's strings, hidden from "
    "the transaction's JSON",
    "[runtime]") {
  auto tagged = std::make_shared<Transaction>(*sample_transaction());
  tagged->metadata = {{"tenant", "acme"}, {"0", "zero"}, {"__proto__", "p"}, {"ünï", "cödé"}};
  const std::string probe = R"(
    const m = txn.metadata;
    let threw = false;
    try { (function () { 'use strict'; m.tenant = 'changed'; })(); } catch (e) { threw = true; }
    const d = Object.getOwnPropertyDescriptor(txn, 'metadata');
    return [{ title: [m.tenant, m[0], m.__proto__, m['ünï'], typeof m.absent, typeof m.toString,
                      Object.getPrototypeOf(m) === null, Object.isFrozen(m), threw,
                      Object.keys(m).join('+'), JSON.stringify(m), txn.metadata === m,
                      d.enumerable, Object.keys(txn).join(','),
                      JSON.stringify(txn).includes('metadata')].join('|'),
              severity: 'info' }];)";
  CHECK(title_of(probe, tagged) ==
        "acme|zero|p|cödé|undefined|undefined|true|true|true|0+__proto__+tenant+ünï|"
        R"({"0":"zero","__proto__":"p","tenant":"acme","ünï":"cödé"})"
        "|true|false|id,startedDateTime,request,response|false");
  // Without metadata: an empty frozen object, and the JSON form of the view is unchanged.
  CHECK(title_of("return [{ title: JSON.stringify(txn.metadata) + Object.isFrozen(txn.metadata), "
                 "severity: 'info' }];") == "{}true");
  CHECK(title_of("return [{ title: JSON.stringify(txn), severity: 'info' }];", tagged) ==
        kSampleJson);
}
