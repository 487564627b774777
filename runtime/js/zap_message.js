// ZAP's HttpMessage as a passive script sees it, built on demand from one
// transaction view: request and response headers (getHeader, getHeaders,
// toString, isSecure, getURI, getHttpCookies), bodies decoded with the
// response charset, and the URL and form parameters as Java TreeSets.
// Evaluates to a function (std, lib) returning makeMessage(txn), where lib is
// what zap_java.js returned.
(function zapMessage(std, lib) {
  "use strict";
  const { JavaList, JavaSet } = lib;
  const CRLF = "\r\n";

  const URL_PARTS =
      /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

  // commons-httpclient's URI, read-only.
  function makeUri(url) {
    const m = URL_PARTS.exec(url) || [];
    const scheme = m[1] ? m[1].toLowerCase() : null;
    const query = m[5] === undefined ? null : m[5];
    const fragment = m[6] === undefined ? null : m[6];
    const path = m[4] || "";
    const unescape = (text) => (text === null ? null : std.decodeComponent(text.replace(/\+/g, "%2B")));
    return Object.freeze({
      toString: () => url,
      getURI: () => url,
      getEscapedURI: () => url,
      getScheme: () => scheme,
      getHost: () => (m[2] === undefined ? null : m[2]),
      getName: () => (m[2] === undefined ? null : m[2]),
      getPort: () => (m[3] ? Number(m[3]) : -1),
      getPath: () => unescape(path),
      getEscapedPath: () => path,
      getQuery: () => unescape(query),
      getEscapedQuery: () => query,
      getFragment: () => unescape(fragment),
      getEscapedFragment: () => fragment,
      getPathQuery: () => unescape(path) + (query === null ? "" : "?" + unescape(query)),
      getEscapedPathQuery: () => path + (query === null ? "" : "?" + query),
      equals: (other) => other !== null && other !== undefined && String(other) === url,
    });
  }

  // java.net.HttpCookie, as HttpCookie.parse makes it from one Set-Cookie value.
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const RESERVED = new Set(["comment", "commenturl", "discard", "domain", "expires", "httponly",
                            "max-age", "path", "port", "secure", "version"]);
  function makeCookie(name, value, attrs = new Map()) {
    if (!TOKEN.test(name) || name.startsWith("$") || RESERVED.has(name.toLowerCase())) return null;
    const strip = (v) => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v);
    const get = (key) => (attrs.has(key) ? strip(attrs.get(key)) : null);
    let maxAge = -1;
    if (attrs.has("max-age") && /^-?\d+$/.test(get("max-age"))) maxAge = Number(get("max-age"));
    return Object.freeze({
      getName: () => name,
      getValue: () => strip(value),
      getDomain: () => get("domain"),
      getPath: () => get("path"),
      getSecure: () => attrs.has("secure"),
      isHttpOnly: () => attrs.has("httponly"),
      getMaxAge: () => maxAge,
      getVersion: () => (attrs.has("version") ? Number(get("version")) || 0 : 0),
      getComment: () => get("comment"),
      toString: () => name + "=" + strip(value),
    });
  }
  function parseSetCookie(line) {
    const parts = line.replace(/^set-cookie2?:/i, "").split(";");
    const first = parts[0];
    const eq = first.indexOf("=");
    if (eq < 0) return null;
    const attrs = new Map();
    for (const part of parts.slice(1)) {
      const e = part.indexOf("=");
      const key = (e < 0 ? part : part.slice(0, e)).trim().toLowerCase();
      if (key && !attrs.has(key)) attrs.set(key, e < 0 ? "" : part.slice(e + 1).trim());
    }
    return makeCookie(first.slice(0, eq).trim(), first.slice(eq + 1).trim(), attrs);
  }

  // ZAP's HtmlParameter, ordered in sets by type, name, then value.
  function makeParameter(type, name, value) {
    return Object.freeze({
      getType: () => Object.freeze({ name: () => type, toString: () => type }),
      getName: () => name,
      getValue: () => value,
      toString: () => "HtmlParameter type = " + type + " name= " + name + " value=" + value,
    });
  }
  function parameterSet(type, pairs) {
    const sorted = pairs.slice().sort((a, b) =>
        (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const unique = sorted.filter((p, i) => i === 0 || p[0] !== sorted[i - 1][0] ||
                                           p[1] !== sorted[i - 1][1]);
    return new JavaSet(unique.map((p) => makeParameter(type, p[0], p[1])));
  }

  function charsetOf(contentType) {
    const m = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType || "");
    return m ? m[1].toLowerCase() : null;
  }
  const WINDOWS_1252 = "\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039" +
      "\u0152\ufffd\u017d\ufffd\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122" +
      "\u0161\u203a\u0153\ufffd\u017e\u0178";
  function decodeBytes(bytes, charset) {
    switch (charset) {
      case "iso-8859-1": case "latin1": case "l1": case "us-ascii": case "ascii":
        return bytes;
      case "windows-1252": case "cp1252":
        return bytes.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252[c.charCodeAt(0) - 0x80]);
      default:
        return std.utf8Decode(bytes);
    }
  }
  const utf8Length = (text) => {
    let n = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0);
      n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    return n;
  };
  const utf8Bytes = (text) =>  // one char per UTF-8 byte; lone surrogates become U+FFFD
      unescape(encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
                                               "\ufffd")));

  // HttpBody: the HAR text as it is, or base64 bytes decoded with the charset.
  function makeBody(message, contentType) {
    const raw = message && typeof message.body === "string" ? message.body : "";
    const base64 = message && message.bodyEncoding === "base64";
    const charset = charsetOf(contentType);
    let text = null;
    let bytes = null;
    const byteString = () => bytes !== null ? bytes
        : (bytes = base64 ? std.base64Decode(raw) : utf8Bytes(raw));
    const body = {
      toString: () => (text !== null ? text : (text = base64 ? decodeBytes(byteString(), charset) : raw)),
      length: () => (base64 ? byteString().length : utf8Length(raw)),
      getBytes: () => Array.from(byteString(), (c) => {
        const b = c.charCodeAt(0) & 0xff;
        return b > 127 ? b - 256 : b;
      }),
      getCharset: () => charset || "UTF-8",
    };
    return Object.freeze(body);
  }

  // What HttpRequestHeader and HttpResponseHeader share.
  function headerMethods(list, primeHeader) {
    const values = (name) => {
      const wanted = String(name).toLowerCase();
      const out = [];
      for (const h of list || []) {
        if (h && String(h.name).toLowerCase() === wanted) out.push(String(h.value));
      }
      return out;
    };
    return {
      getHeader(name) {
        const v = values(name);
        return v.length ? v[0] : null;
      },
      getHeaders(name) {
        if (name === undefined) {
          return JavaList.of((list || []).map((h) => Object.freeze({
            getName: () => String(h.name), getValue: () => String(h.value),
            toString: () => String(h.name) + ": " + String(h.value),
          })));
        }
        const v = values(name);
        return v.length ? JavaList.of(v) : null;
      },
      getHeaderValues: (name) => JavaList.of(values(name)),
      getPrimeHeader: () => primeHeader,
      isEmpty: () => !list || list.length === 0,
      getHeadersAsString: () => (list || []).map((h) => h.name + ": " + h.value + CRLF).join(""),
      getContentLength() {
        const v = values("content-length");
        return v.length && /^\s*\d+\s*$/.test(v[0]) ? Number(v[0]) : -1;
      },
      getCharset: () => charsetOf(values("content-type")[0]),
      getNormalisedContentTypeValue() {
        const v = values("content-type");
        return v.length ? v[0].toLowerCase() : null;
      },
      toString() {
        let out = primeHeader + CRLF;
        for (const h of list || []) out += h.name + ": " + h.value + CRLF;
        return out + CRLF;
      },
    };
  }

  function makeRequestHeader(request) {
    const url = String(request.url || "");
    const version = String(request.httpVersion || "HTTP/1.1");
    const methods = headerMethods(request.headers, request.method + " " + url + " " + version);
    let uri = null;
    const getURI = () => uri || (uri = makeUri(url));
    return Object.freeze(Object.assign(methods, {
      getMethod: () => String(request.method),
      getVersion: () => version,
      getURI,
      isSecure: () => getURI().getScheme() === "https",
      getHostName: () => getURI().getHost(),
      getHostPort() {
        const port = getURI().getPort();
        return port !== -1 ? port : getURI().getScheme() === "https" ? 443 : 80;
      },
      getHttpCookies() {
        const pairs = [];
        for (const line of methods.getHeaderValues("cookie")) {
          for (const part of line.split(";")) {
            const eq = part.indexOf("=");
            const name = (eq < 0 ? part : part.slice(0, eq)).trim();
            if (name !== "") pairs.push([name, eq < 0 ? "" : part.slice(eq + 1).trim()]);
          }
        }
        const cookies = new JavaList();
        for (const param of parameterSet("cookie", pairs)) {
          const cookie = makeCookie(param.getName(), param.getValue());
          if (cookie) cookies.push(cookie);
        }
        return cookies;
      },
    }));
  }

  function makeResponseHeader(response) {
    const version = String(response.httpVersion || "HTTP/1.1");
    const status = Number(response.status) || 0;
    const reason = String(response.statusText || "");
    const methods = headerMethods(response.headers, version + " " + status + " " + reason);
    const type = () => (methods.getHeader("content-type") || "").toLowerCase();
    return Object.freeze(Object.assign(methods, {
      getStatusCode: () => status,
      getReasonPhrase: () => reason,
      getVersion: () => version,
      isHtml: () => type().includes("html"),
      isXml: () => type().includes("xml"),
      isJson: () => type().includes("json"),
      isCss: () => type().includes("css"),
      isJavaScript: () => type().includes("javascript") || type().includes("ecmascript"),
      isImage: () => type().startsWith("image"),
      isText: () => /^(text|application\/(json|xml|xhtml|javascript))/.test(type()),
      getHttpCookies() {
        const cookies = new JavaList();
        for (const line of methods.getHeaderValues("set-cookie").concat(
                 methods.getHeaderValues("set-cookie2"))) {
          const cookie = parseSetCookie(line);
          if (cookie) cookies.push(cookie);
        }
        return cookies;
      },
    }));
  }

  return function makeMessage(txn) {
    const request = txn.request || {};
    const response = txn.response || {};
    const cache = new Map();
    const once = (key, make) => () => cache.has(key) ? cache.get(key) : (cache.set(key, make()), cache.get(key));
    const requestHeader = once("rh", () => makeRequestHeader(request));
    const responseHeader = once("sh", () => makeResponseHeader(response));
    const formPairs = () => {
      const type = requestHeader().getHeader("content-type");
      if (!type || !/^\s*application\/x-www-form-urlencoded/i.test(type)) return [];
      return std.queryParams("?" + (request.body || ""), 10000);
    };
    return Object.freeze({
      getRequestHeader: requestHeader,
      getResponseHeader: responseHeader,
      getRequestBody: once("rb", () => makeBody(request, requestHeader().getHeader("content-type"))),
      getResponseBody: once("sb", () => makeBody(response, responseHeader().getHeader("content-type") ||
                                                               response.mimeType)),
      getUrlParams: () => parameterSet("url", std.queryParams(String(request.url || ""), 10000)),
      getFormParams: () => parameterSet("form", formPairs()),
      getCookieParams: () => parameterSet("cookie", Array.from(requestHeader().getHttpCookies(),
                                                               (c) => [c.getName(), c.getValue()])),
      getHistoryRef: () => null,
      getTimeSentMillis: () => Date.parse(txn.startedDateTime || "") || 0,
      isInScope: () => true,
    });
  };
})
