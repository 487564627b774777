// What a ZAP script sees of a transaction and of the Java classes it reaches,
// call by call, checked against ZAP's and Java's semantics: inline probe
// scripts report each call's result as an alert's evidence.
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "zap_test_support.hpp"

namespace {

using namespace warden::test;
using Strings = std::vector<std::string>;

warden::TransactionPtr transaction_with(const std::string& url,
                                        std::vector<warden::Header> response,
                                        const std::string& body, bool base64 = false) {
  auto t = std::make_shared<warden::Transaction>(*sample_transaction());
  t->request.url = url;
  t->response.headers = std::move(response);
  t->response.body = body;
  t->response.body_encoding = base64 ? "base64" : "";
  return t;
}

}  // namespace

TEST_CASE("ZAP headers: getHeader, getHeaders (null or a Java list), toString, isSecure", "[zap]") {
  const auto seen = probe(R"JS(
    var h = msg.getResponseHeader();
    say(h.getHeader('content-type'));
    say(h.getHeader('X-Missing'));
    say(h.getHeaders('X-Missing'));
    say(h.getHeaders('SET-COOKIE'));
    var list = h.getHeaders('set-cookie');
    say(list.size() + ' ' + list.length + ' ' + list.isEmpty() + ' ' + list.get(0));
    say(JSON.stringify(h.toString()));
    say(JSON.stringify(msg.getRequestHeader().toString()));
    say(msg.getRequestHeader().isSecure());
    say(h.getStatusCode() + ' ' + h.getReasonPhrase() + ' ' + h.isHtml());
    say(msg.getRequestHeader().getMethod());
  )JS");
  CHECK(seen == Strings{"text/html; charset=utf-8", "null", "null", "[sid=abc; Path=/]",
                        "1 1 false sid=abc; Path=/",
                        R"("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n)"
                        R"(Set-Cookie: sid=abc; Path=/\r\n\r\n")",
                        R"("GET https://example.com/login?next=/ HTTP/1.1\r\nHost: example.com\r\n)"
                        R"(Cookie: sid=abc\r\n\r\n")",
                        "true", "200 OK true", "GET"});
}

TEST_CASE("ZAP getHeaders lists several values, prints as a Java list, slices to plain arrays",
          "[zap]") {
  auto t = transaction_with("https://example.com/",
                            {{"Server", "Apache/2.4"}, {"server", "nginx"}, {"Via", "1.1 a"}}, "");
  const auto seen = probe(R"JS(
    var s = msg.getResponseHeader().getHeaders('Server');
    say(s); say(s.slice(1)); say(s[1]); say(String(s.toArray()));
    say(Array.isArray(s.slice(1)) + ' ' + (s.slice(1).size === undefined));
    var all = msg.getResponseHeader().getHeaders();
    say(all.size() + ' ' + all.get(2).getName() + '=' + all.get(2).getValue());
  )JS",
                          t);
  CHECK(seen == Strings{"[Apache/2.4, nginx]", "nginx", "nginx", "Apache/2.4,nginx", "true true",
                        "3 Via=1.1 a"});
}

TEST_CASE("ZAP getURI: toString, parts, getEscapedQuery null when absent", "[zap]") {
  const auto https = probe(R"JS(
    var u = msg.getRequestHeader().getURI();
    say(u.toString()); say(u.getScheme()); say(u.getHost()); say(u.getPort());
    say(u.getPath()); say(u.getEscapedQuery());
  )JS");
  CHECK(https == Strings{"https://example.com/login?next=/", "https", "example.com", "-1", "/login",
                         "next=/"});
  auto t = transaction_with("http://example.com:8080/a%20b", {}, "");
  const auto plain = probe(R"JS(
    var u = msg.getRequestHeader().getURI();
    say(u.getEscapedQuery()); say(u.getQuery()); say(u.getPort()); say(u.getPath());
    say(u.getEscapedPath()); say(msg.getRequestHeader().isSecure());
  )JS",
                           t);
  CHECK(plain == Strings{"null", "null", "8080", "/a b", "/a%20b", "false"});
}

TEST_CASE("ZAP getHttpCookies of the response and the request", "[zap]") {
  auto t = transaction_with("https://example.com/",
                            {{"Set-Cookie", "b=\"2\"; Path=/x; Secure; HttpOnly; Max-Age=60"},
                             {"Set-Cookie", "bad name=1"},
                             {"Set-Cookie2", "a=1"}},
                            "");
  const auto seen = probe(R"JS(
    var r = msg.getResponseHeader().getHttpCookies();
    say(r);
    var b = r.get(0);
    say(b.getName() + ' ' + b.getValue() + ' ' + b.getPath() + ' ' + b.getSecure() + ' ' +
        b.isHttpOnly() + ' ' + b.getMaxAge() + ' ' + b.getDomain());
    var q = msg.getRequestHeader().getHttpCookies();
    say(q.size() + ' ' + q.get(0).getName() + '=' + q.get(0).getValue());
    r.addAll(q);
    say(r.size() + ' ' + r.toArray().length);
  )JS",
                          t);
  CHECK(seen == Strings{"[b=2, a=1]", "b 2 /x true true 60 null", "1 sid=abc", "3 3"});
}

TEST_CASE("ZAP getUrlParams is a sorted Java set: iterator, for-of, no duplicates", "[zap]") {
  auto t = transaction_with("https://e.example/x?b=2&a=1&a=0&c&a=1&q=caf%C3%A9+x", {}, "");
  const auto seen = probe(R"JS(
    var set = msg.getUrlParams();
    var names = [];
    for (var p of set) names.push(p.getName() + '=' + p.getValue());
    say(names.join('&')); say(set.size() + ' ' + set.isEmpty() + ' ' + set[0]);
    var it = set.iterator(); say(it.next().getType());
    try { var j = set.iterator(); while (true) j.next(); } catch (e) { say(e.name); }
  )JS",
                          t);
  CHECK(seen == Strings{"a=0&a=1&b=2&c=&q=café x", "5 false undefined", "url",
                        "java.util.NoSuchElementException"});
}

TEST_CASE("ZAP getResponseBody().toString() decodes with the response charset", "[zap]") {
  // "café" in ISO-8859-1 is Y2Fm6Q==; the same bytes are not valid UTF-8.
  auto latin1 = transaction_with(
      "https://e.example/", {{"Content-Type", "text/html; charset=ISO-8859-1"}}, "Y2Fm6Q==", true);
  const std::string body =
      "say(msg.getResponseBody().toString()); "
      "say(msg.getResponseBody().length()); "
      "say(msg.getResponseBody().getBytes().slice(-1)[0]);";
  CHECK(probe(body, latin1) == Strings{"café", "4", "-23"});
  auto utf8 =
      transaction_with("https://e.example/", {{"Content-Type", "text/html"}}, "Y2Fm6Q==", true);
  CHECK(probe(body, utf8) == Strings{"caf\xEF\xBF\xBD", "4", "-23"});
  auto text = transaction_with("https://e.example/", {{"Content-Type", "text/html"}}, "é");
  CHECK(probe(body, text) == Strings{"é", "2", "-87"});
}

TEST_CASE("the Java classes ZAP scripts reach behave as Java's", "[zap]") {
  const auto seen = probe(R"JS(
    var I = java.lang.Integer, A = java.net.InetAddress;
    say(I.parseInt('-42') + ' ' + I.parseInt('7f', 16) + ' ' + I.toHexString(-1));
    ['2147483648', '12x', '', null].forEach(function (s) {
      try { I.parseInt(s); say('parsed'); } catch (e) { say(e.getMessage()); }
    });
    say(['10.1.2.3', '172.32.0.1', '172.16.9.9', '192.168.0.1', '8.8.8.8', '::ffff:10.0.0.1',
         'fec0::1'].map(function (a) { return A.getByName(a).isSiteLocalAddress(); }).join());
    say(A.getByName('167772161').getHostAddress() + ' ' + A.getByName('10.1').getHostAddress());
    say(A.getByName('2001:DB8::1').getHostAddress() + ' ' + A.getByName('[::1]').isLoopbackAddress());
    try { A.getByName('999.1.1.1'); } catch (e) { say(e.name); }
    var B = Java.type('org.apache.commons.codec.binary.Base64');
    say(B.isBase64('aGk=') + ' ' + B.isBase64('a b\n') + ' ' + B.isBase64('a*b'));
    say(B.decodeBase64('aGk=') + ' ' + B.decodeBase64('/w==') + ' ' + B.encodeBase64String([104, 105]));
    say('Hello'.contains('ell') + ' ' + 'Hello'.contains('x'));
    var Alert = Java.type('org.parosproxy.paros.core.scanner.Alert');
    say(Alert.RISK_HIGH + ' ' + Alert.CONFIDENCE_USER_CONFIRMED);
    var PPS = org.zaproxy.zap.extension.pscan.PluginPassiveScanner;
    say(PPS.getDefaultHistoryTypes().contains(1) + ' ' + PPS.getDefaultHistoryTypes().contains(3));
    say(Java.type('java.util.Locale').ROOT + '|' + java.lang.System.getProperty('line.separator').length);
  )JS");
  CHECK(seen == Strings{"-42 127 ffffffff", "For input string: \"2147483648\"",
                        "For input string: \"12x\"", "For input string: \"\"",
                        "Cannot parse null string: null", "true,false,true,true,false,true,true",
                        "10.0.0.1 10.0.0.1", "2001:db8:0:0:0:0:0:1 true",
                        "java.net.UnknownHostException", "true true false",
                        "104,105 -1 aGk=", "true false", "3 4", "true false", "|1"});
}

TEST_CASE("ZAP risk 0-3 maps to info..high and the confidence is kept", "[zap]") {
  const auto findings = zap_findings(R"JS(
    function scan(ps, msg, src) {
      for (var risk = 0; risk <= 3; risk++) {
        ps.raiseAlert(risk, risk + 1, 'r' + risk, '', '', '', '', '', '', '', 0, 0, msg);
      }
      ps.raiseAlert(1, 0, 'false positive', '', '', '', '', '', '', '', 0, 0, msg);
    }
  )JS");
  REQUIRE(findings.size() == 5);
  CHECK(findings[0]["severity"] == "info");
  CHECK(findings[0]["confidence"] == "low");
  CHECK(findings[1]["severity"] == "low");
  CHECK(findings[1]["confidence"] == "medium");
  CHECK(findings[2]["severity"] == "medium");
  CHECK(findings[2]["confidence"] == "high");
  CHECK(findings[3]["severity"] == "high");
  CHECK(findings[3]["confidence"] == "high");  // user-confirmed
  CHECK(findings[4]["confidence"] == "low");   // false positive
}
