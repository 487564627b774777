// Flags risky CORS responses: the request's Origin (a foreign one) reflected
// in Access-Control-Allow-Origin together with Allow-Credentials: true; a
// wildcard origin with Allow-Credentials: true; and the "null" origin allowed.

import { header, clip } from "warden:std";

const HOST_RE = /^[a-z][a-z0-9+.-]{0,20}:\/\/(?:[^@\/?#]{0,200}@)?(\[[^\]]{0,60}\]|[^\/?#:]{1,255})/i;
const SECOND_LEVEL = new Set(["co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"]);

function first(headers, name) {
  const v = header(headers, name);
  return v === null ? null : v.trim();
}

// Registrable domain, approximately (no public-suffix list in a plugin): the
// last two labels, or three under "co.uk"-style second levels.
function site(url) {
  const m = HOST_RE.exec(url);
  if (!m) return null;
  const h = m[1].toLowerCase().replace(/\.$/, "");
  if (h.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(h)) return h;
  const labels = h.split(".");
  const n = labels.length;
  if (n <= 2) return h;
  const take = labels[n - 1].length === 2 && SECOND_LEVEL.has(labels[n - 2]) ? 3 : 2;
  return labels.slice(n - take).join(".");
}

function normalizeOrigin(o) {
  return o.replace(/\/+$/, "").replace(/@/, "").toLowerCase();
}

export default {
  id: "cors-misconfig",
  name: "CORS misconfiguration",
  version: "1.0.0",

  scan(txn) {
    const req = txn.request || {};
    const res = txn.response || {};
    const allow = first(res.headers, "access-control-allow-origin");
    if (allow === null || allow === "") return [];
    const credentials = (first(res.headers, "access-control-allow-credentials") || "")
                          .toLowerCase() === "true";
    const evidence = clip(`Access-Control-Allow-Origin: ${allow}` +
                          (credentials ? "; Access-Control-Allow-Credentials: true" : ""));

    if (allow.toLowerCase() === "null") {
      return [{
        title: "CORS allows the null origin",
        severity: credentials ? "high" : "medium",
        description:
          "Access-Control-Allow-Origin: null is granted to sandboxed iframes, data: and file: " +
          "documents, which any attacker can create" +
          (credentials ? ", and credentials are allowed too." : "."),
        evidence,
        cwe: 942,
        confidence: "high",
      }];
    }
    if (allow === "*") {
      if (!credentials) return [];
      return [{
        title: "CORS wildcard origin with credentials allowed",
        severity: "low",
        description:
          "Access-Control-Allow-Origin: * with Allow-Credentials: true is rejected by browsers, " +
          "but shows the server means to share credentialed responses with any origin; a " +
          "later switch to reflecting the Origin would expose them.",
        evidence,
        cwe: 942,
        confidence: "high",
      }];
    }
    const origin = first(req.headers, "origin");
    if (!credentials || origin === null || origin === "" || origin.toLowerCase() === "null") {
      return [];
    }
    if (normalizeOrigin(allow) !== normalizeOrigin(origin)) return [];
    // A same-site Origin (the shop calling its own api. subdomain) is the
    // normal allow-list case; only a cross-site one is worth a look.
    const ownSite = site(String(req.url || ""));
    if (ownSite !== null && ownSite === site(origin)) return [];
    return [{
      title: "CORS reflects the request Origin with credentials",
      severity: "medium",
      description:
        "The response grants a cross-site Origin access with credentials. One " +
        "exchange cannot tell an allow-list from blind reflection: replay it with a foreign " +
        "Origin. If any Origin is reflected, every site can read this user's authenticated " +
        "responses.",
      evidence: clip(`Origin: ${origin} -> ${evidence}`),
      cwe: 942,
      confidence: "low",
    }];
  },
};
