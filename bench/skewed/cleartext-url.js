// Skewed-workload light plugin (bench only): a request sent over plain http to
// a host that is not local.
const URL_RE = /^http:\/\/([^:\/?#]{1,255})/i;

export default {
  id: "skewed-cleartext-url",
  version: "1.0.0",
  scan(txn) {
    const m = URL_RE.exec(String((txn.request || {}).url || ""));
    if (!m) return [];
    const host = m[1].toLowerCase();
    if (host === "localhost" || host.startsWith("127.")) return [];
    return [{ title: "Request over cleartext HTTP", severity: "medium", evidence: host }];
  },
};
