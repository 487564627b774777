// Flags authenticated responses that caches may store: the request carries an
// Authorization header or a session-like cookie, the response is a 200 page or
// API reply (not a static asset) and Cache-Control has neither no-store nor
// private. A shared or browser cache may then serve one user's data to another.

import { headerValues, clip } from "warden:std";

const DYNAMIC_MIME =
  /^\s*(text\/(html|plain|xml|csv)|application\/(json|xml|xhtml\+xml|pdf|[\w.+-]{1,60}\+(json|xml)))/i;
const SESSION_COOKIE =
  /(^|[_.-])(sess|session|sessid|sessionid|sid|auth|token|jwt|login|remember|identity|access)($|[_.-])|^(phpsessid|jsessionid|asp\.net_sessionid|aspsessionid\w{0,20}|connect\.sid|laravel_session|ci_session|_session_id|\.aspxauth|__host-|__secure-)/i;

function sessionCookie(headers) {
  for (const value of headerValues(headers, "cookie")) {
    for (const pair of value.split(";")) {
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      if (pair.slice(eq + 1).trim() !== "" && SESSION_COOKIE.test(name) && !/csrf|xsrf/i.test(name)) {
        return name;
      }
    }
  }
  return null;
}

export default {
  id: "auth-response-caching",
  name: "Cacheable authenticated response",
  version: "1.0.0",

  scan(txn) {
    const req = txn.request || {};
    const res = txn.response || {};
    // Only GET and HEAD responses are cached by default; other methods need
    // explicit freshness and are left out to keep noise down.
    const method = String(req.method || "").toUpperCase();
    if (method !== "GET" && method !== "HEAD") return [];
    if (Number(res.status) !== 200) return [];
    if (!DYNAMIC_MIME.test(res.mimeType || "")) return [];
    const authorization = headerValues(req.headers, "authorization").some((v) => v.trim() !== "");
    const cookie = authorization ? null : sessionCookie(req.headers);
    if (!authorization && cookie === null) return [];

    const cacheControl = headerValues(res.headers, "cache-control").join(", ").toLowerCase();
    if (/(^|[\s,])(no-store|private)\b/.test(cacheControl)) return [];
    const credential = authorization ? "an Authorization header" : `a session cookie (${cookie})`;
    return [{
      title: "Authenticated response may be cached",
      severity: "low",
      description:
        `The request carries ${credential}, but the response ` +
        "allows caching (no Cache-Control: no-store or private), so a shared or browser " +
        "cache may keep and replay this user's data.",
      evidence: clip(`request with ${credential}; Cache-Control: ${cacheControl || "(absent)"}`),
      cwe: 524,
      confidence: "medium",
    }];
  },
};
