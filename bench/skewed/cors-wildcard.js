// Skewed-workload light plugin (bench only): CORS that allows any origin, or
// reflects the request's origin together with credentials.
import { headerValues } from "warden:std";

export default {
  id: "skewed-cors-wildcard",
  version: "1.0.0",
  scan(txn) {
    const headers = (txn.response || {}).headers;
    const origin = headerValues(headers, "access-control-allow-origin")[0];
    if (!origin) return [];
    const credentials = (headerValues(headers, "access-control-allow-credentials")[0] || "") === "true";
    const requested = headerValues((txn.request || {}).headers, "origin")[0];
    if (origin === "*") return [{ title: "CORS allows any origin", severity: "low", evidence: "*" }];
    if (credentials && requested && origin === requested) {
      return [{ title: "CORS reflects the origin with credentials", severity: "medium", evidence: origin.slice(0, 80) }];
    }
    return [];
  },
};
