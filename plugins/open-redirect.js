// Open-redirect hint: flags 3xx responses whose Location points to another
// site and equals (or starts with) the value of one of the request's query
// parameters, i.e. the caller chose the redirect target.

import { headerValues, decodeComponent, clip } from "warden:std";

const ABSOLUTE = /^\s{0,10}(?:([a-z][a-z0-9+.-]{0,20}):)?[\/\\]{2}(?:[^@\/\\?#]{0,200}@)?([^\/\\?#:]{1,255})/i;
const REQUEST_HOST = /^[a-z][a-z0-9+.-]{0,20}:\/\/(?:[^@\/?#]{0,200}@)?([^\/?#:]{1,255})/i;
const SECOND_LEVEL = new Set(["co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"]);
const MAX_PARAMS = 50;

function queryValues(url) {
  const q = url.indexOf("?");
  if (q < 0) return [];
  let query = url.slice(q + 1);
  const hash = query.indexOf("#");
  if (hash >= 0) query = query.slice(0, hash);
  const out = [];
  for (const part of query.split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    out.push([decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
    if (out.length >= MAX_PARAMS) break;
  }
  return out;
}

// Registrable domain, approximately (no public-suffix list in a plugin):
// the last two labels, or three under "co.uk"-style second levels.
function site(host) {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h)) return h;
  const labels = h.split(".");
  if (labels.length <= 2) return h;
  const n = labels.length;
  const take = labels[n - 1].length === 2 && SECOND_LEVEL.has(labels[n - 2]) ? 3 : 2;
  return labels.slice(n - take).join(".");
}

// Location and parameter compared without scheme, case and backslash tricks.
function normalize(target) {
  return target.trim().toLowerCase().replace(/\\/g, "/").replace(/^[a-z][a-z0-9+.-]{0,20}:/, "");
}

export default {
  id: "open-redirect",
  name: "Open redirect",
  version: "1.0.0",

  scan(txn) {
    const req = txn.request || {};
    const res = txn.response || {};
    const status = Number(res.status) || 0;
    if (status < 300 || status >= 400) return [];
    const location = headerValues(res.headers, "location")[0];
    if (!location) return [];
    const target = ABSOLUTE.exec(location);
    if (!target) return [];  // relative: same site
    const url = String(req.url || "");
    const own = REQUEST_HOST.exec(url);
    if (own && site(own[1]) === site(target[2])) return [];

    const wanted = normalize(location);
    for (const [name, value] of queryValues(url)) {
      if (value.length < 4) continue;
      const v = normalize(value);
      // The parameter must carry the host, not just a path on it.
      if (!v.startsWith("//") || !v.includes(target[2].toLowerCase())) continue;
      if (wanted === v || wanted.startsWith(v)) {
        return [{
          title: "Open redirect: Location taken from a query parameter",
          severity: "medium",
          description:
            `The response redirects off-site to the URL given in the "${clip(name, 60)}" ` +
            "parameter. If any target is accepted, attackers can use this site's links for " +
            "phishing. Allow only relative or listed targets.",
          evidence: clip(`${name}=${value} -> ${status} Location: ${location}`),
          cwe: 601,
          confidence: "medium",
        }];
      }
    }
    return [];
  },
};
