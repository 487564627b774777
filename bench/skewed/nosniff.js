// Skewed-workload light plugin (bench only): a script, style or HTML response
// without X-Content-Type-Options: nosniff.
import { headerValues } from "warden:std";

const SNIFFABLE = /^\s*(text\/(html|css|javascript)|application\/(javascript|json))/i;

export default {
  id: "skewed-nosniff",
  version: "1.0.0",
  scan(txn) {
    const res = txn.response || {};
    if (!SNIFFABLE.test(res.mimeType || "")) return [];
    const value = headerValues(res.headers, "x-content-type-options")[0] || "";
    if (value.trim().toLowerCase() === "nosniff") return [];
    return [{ title: "X-Content-Type-Options: nosniff missing", severity: "low", evidence: res.mimeType }];
  },
};
