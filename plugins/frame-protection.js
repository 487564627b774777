// Flags HTML responses that any site may frame: neither X-Frame-Options
// (DENY or SAMEORIGIN) nor a CSP frame-ancestors directive (clickjacking).

import { headerValues, clip } from "warden:std";

const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
const SKIPPED_STATUS = new Set([204, 206, 304]);

function frameAncestors(policy) {
  for (const part of policy.split(";")) {
    const tokens = part.trim().split(/\s+/);
    if (tokens[0] && tokens[0].toLowerCase() === "frame-ancestors") return tokens.slice(1);
  }
  return null;
}

export default {
  id: "frame-protection",
  name: "Clickjacking protection missing",
  version: "1.0.0",

  scan(txn) {
    const res = txn.response || {};
    const status = Number(res.status) || 0;
    if (status < 200 || status >= 300 || SKIPPED_STATUS.has(status)) return [];
    const ct = res.mimeType || headerValues(res.headers, "content-type")[0] || "";
    if (!HTML_MIME.test(ct)) return [];

    for (const policy of headerValues(res.headers, "content-security-policy")) {
      const sources = frameAncestors(policy);
      if (sources === null) continue;
      // frame-ancestors overrides X-Frame-Options; a bare * allows everyone.
      if (sources.length === 1 && sources[0] === "*") {
        return [{
          title: "CSP frame-ancestors allows framing by any site",
          severity: "medium",
          description: "frame-ancestors * lets any site embed this page (clickjacking).",
          evidence: clip(`Content-Security-Policy: ${policy}`),
          cwe: 1021,
          confidence: "high",
        }];
      }
      return [];
    }
    const xfo = headerValues(res.headers, "x-frame-options");
    if (xfo.some((v) => /^\s*(deny|sameorigin)\s*$/i.test(v))) return [];
    return [{
      title: xfo.length ? "X-Frame-Options value is not DENY or SAMEORIGIN"
                        : "Clickjacking protection missing",
      severity: "medium",
      description:
        "The HTML response sets neither X-Frame-Options: DENY/SAMEORIGIN nor a CSP " +
        "frame-ancestors directive, so other sites can load it in a frame and trick users " +
        "into clicking on it.",
      evidence: xfo.length ? clip(`X-Frame-Options: ${xfo[0]}`)
                           : `${status} ${ct} without X-Frame-Options or frame-ancestors`,
      cwe: 1021,
      confidence: "high",
    }];
  },
};
