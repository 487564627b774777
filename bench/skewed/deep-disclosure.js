// Skewed-workload heavy plugin (bench only): a deep disclosure scan that runs
// every pattern below over every textual request and response body, counting
// all matches (global regexes), where a real-world check would: stack traces,
// database errors, credentials, internal addresses and server paths, over
// bodies, headers and the URL. About
// ten times or more the cost of each light plugin beside it.

import { bodyText } from "warden:std";

const MAX_SCAN_CHARS = 1 << 20;
const BINARY_MIME = /^\s*(image|audio|video|font)\/|octet-stream|zip|pdf/i;

// Bounded quantifiers only: each pattern is linear in the text's length.
const RULES = [
  ["Java stack trace", "medium", /\bat [\w$]{1,80}(?:\.[\w$<>]{1,80}){2,15}\((?:[\w$]{1,80}\.java:\d{1,6}|Native Method)\)/g],
  ["Python traceback", "medium", /Traceback \(most recent call last\)|File "[^"\n]{1,200}", line \d{1,6}/g],
  ["PHP error", "medium", /\b(?:Fatal error|Parse error|Warning|Notice)\b:?[^\n<]{1,300} on line \d{1,6}/g],
  [".NET stack trace", "medium", /\bat [\w.`<>\[\]]{1,200}\([^)\n]{0,200}\) in [^\n]{1,200}:line \d{1,6}/g],
  ["Node.js stack trace", "medium", /\bat (?:[^\s()\n]{1,200} )?\((?:\/|node:|file:\/\/)[^()\n]{1,300}:\d{1,6}:\d{1,6}\)/g],
  ["Go panic", "medium", /\bgoroutine \d{1,6} \[(?:running|chan receive|select)\]/g],
  ["Ruby backtrace", "medium", /(?:\/[\w.@-]{1,80}){2,20}\.rb:\d{1,6}:in `/g],
  ["SQL error", "high", /SQL syntax|SQLSTATE\[[0-9A-Z]{5}\]|ORA-\d{5}|PSQLException|SqlException|sqlite3\.\w{1,40}Error|syntax error at or near/g],
  ["AWS key", "high", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g],
  ["Google API key", "high", /\bAIza[0-9A-Za-z_-]{35}\b/g],
  ["GitHub token", "high", /\bgh[pousr]_[A-Za-z0-9]{36,76}\b/g],
  ["Slack token", "high", /\bxox[abprs]-[A-Za-z0-9-]{10,72}\b/g],
  ["Stripe key", "high", /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,99}\b/g],
  ["JSON Web Token", "medium", /\beyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{8,1000}/g],
  ["private key", "critical", /-----BEGIN (?:RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----/g],
  ["password assignment", "medium", /\b(?:password|passwd|pwd|secret|api_?key)\b["']?\s{0,4}[:=]\s{0,4}["'][^"'\s]{4,120}["']/gi],
  ["internal IPv4 address", "low", /\b(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}\b/g],
  ["server file path", "low", /(?:\/(?:var|usr|home|opt|srv|etc)\/[\w.-]{1,80}(?:\/[\w.-]{1,80}){0,12}|[A-Z]:\\(?:[\w .-]{1,80}\\){1,12}[\w .-]{1,80})/g],
  ["email address", "info", /\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b/g],
  ["debug marker", "low", /\b(?:DEBUG|TRACE|stacktrace|debug_backtrace|var_dump|console\.trace)\b/g],
];

function texts(txn) {
  const out = [];
  for (const [place, message] of [["request", txn.request || {}], ["response", txn.response || {}]]) {
    const mime = message.mimeType || (message.postData || {}).mimeType || "";
    if (BINARY_MIME.test(mime)) continue;
    const body = message === txn.request ? String((message.postData || {}).text || "") : bodyText(message, MAX_SCAN_CHARS);
    if (body) out.push([`${place} body`, body]);
    const headers = (message.headers || []).map((h) => `${h.name}: ${h.value}`).join("\n");
    if (headers) out.push([`${place} headers`, headers]);
  }
  out.push(["URL", String((txn.request || {}).url || "")]);
  return out;
}

export default {
  id: "skewed-deep-disclosure",
  name: "Deep disclosure scan (bench: heavy)",
  version: "1.0.0",

  scan(txn) {
    const findings = [];
    for (const [place, text] of texts(txn)) {
      for (const [what, severity, re] of RULES) {
        re.lastIndex = 0;
        let count = 0;
        let first = null;
        for (let m = re.exec(text); m !== null; m = re.exec(text)) {
          if (first === null) first = m[0];
          count++;
          if (m[0].length === 0) re.lastIndex++;
        }
        if (count > 0) {
          findings.push({
            title: `${what} in ${place}`,
            severity,
            evidence: `${count} match(es), first: ${first.slice(0, 12)}...`,
          });
        }
      }
    }
    return findings;
  },
};
