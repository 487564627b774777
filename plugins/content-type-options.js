// Flags HTML responses without "X-Content-Type-Options: nosniff", which lets
// older browsers MIME-sniff responses into a script or HTML context.

import { headerValues, clip } from "warden:std";

const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
const SKIPPED_STATUS = new Set([204, 206, 304]);

export default {
  id: "content-type-options",
  name: "X-Content-Type-Options missing",
  version: "1.0.0",

  scan(txn) {
    const res = txn.response || {};
    const status = Number(res.status) || 0;
    if (status < 200 || status >= 300 || SKIPPED_STATUS.has(status)) return [];
    const ct = res.mimeType || headerValues(res.headers, "content-type")[0] || "";
    if (!HTML_MIME.test(ct)) return [];
    const values = headerValues(res.headers, "x-content-type-options");
    if (values.some((v) => v.trim().toLowerCase().startsWith("nosniff"))) return [];
    return [{
      title: values.length ? "X-Content-Type-Options is not nosniff"
                           : "X-Content-Type-Options header missing",
      severity: "low",
      description:
        "Without X-Content-Type-Options: nosniff a browser may sniff the response's type and " +
        "render or execute it as something other than its declared Content-Type.",
      evidence: values.length ? clip(`X-Content-Type-Options: ${values[0]}`)
                              : `${status} ${ct} without X-Content-Type-Options`,
      cwe: 693,
      confidence: "high",
    }];
  },
};
