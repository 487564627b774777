// Flags HTML responses served over https without Strict-Transport-Security, or
// with a max-age shorter than 180 days. Hosts that are IP literals or localhost
// are skipped: browsers ignore HSTS for them.

import { headerValues, clip } from "warden:std";

const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
const URL_RE = /^([a-z][a-z0-9+.-]{0,20}):\/\/(?:[^@\/?#]*@)?(\[[^\]]{0,60}\]|[^:\/?#]{0,255})/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const MAX_AGE = /(?:^|;)\s*max-age\s*=\s*"?(\d{1,12})"?/i;
const MIN_MAX_AGE_SECONDS = 15552000;  // 180 days
const SKIPPED_STATUS = new Set([204, 206, 304]);

export default {
  id: "hsts-header",
  name: "Strict-Transport-Security missing or weak",
  version: "1.0.0",

  scan(txn) {
    const req = txn.request || {};
    const res = txn.response || {};
    const m = URL_RE.exec(String(req.url || ""));
    if (!m || m[1].toLowerCase() !== "https") return [];
    const host = m[2].toLowerCase();
    if (host === "" || host === "localhost" || host.endsWith(".localhost") || IPV4.test(host) ||
        host.startsWith("[")) {
      return [];
    }
    const status = Number(res.status) || 0;
    if (status < 200 || status >= 300 || SKIPPED_STATUS.has(status)) return [];
    const ct = res.mimeType || headerValues(res.headers, "content-type")[0] || "";
    if (!HTML_MIME.test(ct)) return [];

    const values = headerValues(res.headers, "strict-transport-security");
    if (values.length === 0) {
      return [{
        title: "Strict-Transport-Security header missing",
        severity: "low",
        description:
          "The https page does not set HSTS, so a user who types or follows an http:// link can " +
          "be downgraded to plain HTTP by a network attacker (SSL stripping).",
        evidence: `https://${host} ${status} without Strict-Transport-Security`,
        cwe: 319,
        confidence: "high",
      }];
    }
    // The first header is the one browsers honour.
    const age = MAX_AGE.exec(values[0]);
    const seconds = age ? Number(age[1]) : 0;
    if (seconds >= MIN_MAX_AGE_SECONDS) return [];
    return [{
      title: "Strict-Transport-Security max-age too short",
      severity: "low",
      description:
        `HSTS max-age is ${seconds} s, under the recommended 180 days (15552000 s); ` +
        "a max-age of 0 switches HSTS off.",
      evidence: clip(`Strict-Transport-Security: ${values[0]}`),
      cwe: 319,
      confidence: "high",
    }];
  },
};
