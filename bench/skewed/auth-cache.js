// Skewed-workload light plugin (bench only): a response to an authenticated
// request that caches may store (no Cache-Control: no-store or private).
import { headerValues } from "warden:std";

export default {
  id: "skewed-auth-cache",
  version: "1.0.0",
  scan(txn) {
    const req = txn.request || {};
    const authenticated = headerValues(req.headers, "authorization").length > 0 ||
      headerValues(req.headers, "cookie").length > 0;
    if (!authenticated) return [];
    const control = (headerValues((txn.response || {}).headers, "cache-control")[0] || "").toLowerCase();
    if (/no-store|private/.test(control)) return [];
    return [{ title: "Authenticated response may be cached", severity: "low", evidence: `Cache-Control: ${control || "(none)"}` }];
  },
};
