// Skewed-workload light plugin (bench only): an HTML page that any site may
// frame (no X-Frame-Options, no CSP frame-ancestors).
import { headerValues } from "warden:std";

export default {
  id: "skewed-frame-options",
  version: "1.0.0",
  scan(txn) {
    const res = txn.response || {};
    if (!/^\s*text\/html/i.test(res.mimeType || "")) return [];
    if (headerValues(res.headers, "x-frame-options").length > 0) return [];
    if (headerValues(res.headers, "content-security-policy").some((v) => /frame-ancestors/i.test(v))) return [];
    return [{ title: "Page can be framed by any site", severity: "low", evidence: String((txn.request || {}).url || "").slice(0, 80) }];
  },
};
