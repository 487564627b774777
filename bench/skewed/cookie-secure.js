// Skewed-workload light plugin (bench only): a cookie set over https without
// the Secure attribute.
import { headerValues } from "warden:std";

export default {
  id: "skewed-cookie-secure",
  version: "1.0.0",
  scan(txn) {
    if (!String((txn.request || {}).url || "").startsWith("https:")) return [];
    const findings = [];
    for (const cookie of headerValues((txn.response || {}).headers, "set-cookie")) {
      if (!/;\s*secure\b/i.test(cookie)) {
        findings.push({ title: "Cookie without Secure", severity: "low", evidence: cookie.split("=")[0].slice(0, 40) });
      }
    }
    return findings;
  },
};
