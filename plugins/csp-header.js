// Flags HTML responses without a Content-Security-Policy, or whose policy lets
// any inline script and eval() run ('unsafe-inline' and 'unsafe-eval' in the
// effective script-src, with no nonce or hash that would neutralise
// 'unsafe-inline'). Report-Only policies do not count: they enforce nothing.

import { headerValues, clip } from "warden:std";

const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
const NONCE_OR_HASH = /'(nonce-|sha256-|sha384-|sha512-)/i;
const SKIPPED_STATUS = new Set([204, 206, 304]);

function isHtmlResponse(res) {
  const ct = res.mimeType || headerValues(res.headers, "content-type")[0] || "";
  return HTML_MIME.test(ct);
}

// The directive's source list, or null when the policy lacks the directive.
function directive(policy, name) {
  for (const part of policy.split(";")) {
    const tokens = part.trim().split(/\s+/);
    if (tokens[0] && tokens[0].toLowerCase() === name) return tokens.slice(1).join(" ");
  }
  return null;
}

export default {
  id: "csp-header",
  name: "Content-Security-Policy missing or weak",
  version: "1.0.0",

  scan(txn) {
    const res = txn.response || {};
    const status = Number(res.status) || 0;
    if (status < 200 || status >= 300 || SKIPPED_STATUS.has(status)) return [];
    if (!isHtmlResponse(res)) return [];

    const policies = headerValues(res.headers, "content-security-policy");
    if (policies.length === 0) {
      return [{
        title: "Content-Security-Policy header missing",
        severity: "medium",
        description:
          "The HTML response sets no Content-Security-Policy, so the browser has no second line " +
          "of defence against injected scripts (XSS) or data injection.",
        evidence: `${res.status} ${res.mimeType || "text/html"} without Content-Security-Policy`,
        cwe: 693,
        confidence: "high",
      }];
    }
    // Several policies are all enforced: the page is protected if any one of
    // them blocks inline script and eval.
    let weakest = null;
    for (const policy of policies) {
      const src = directive(policy, "script-src") ?? directive(policy, "default-src");
      if (src === null) {
        weakest = weakest ?? policy;
        continue;
      }
      const s = src.toLowerCase();
      const inline = s.includes("'unsafe-inline'") && !NONCE_OR_HASH.test(s) &&
                     !s.includes("'strict-dynamic'");
      if (inline && s.includes("'unsafe-eval'")) weakest = weakest ?? policy;
      else return [];
    }
    if (weakest === null) return [];
    const src = directive(weakest, "script-src") ?? directive(weakest, "default-src");
    if (src === null) return [];  // no script restriction at all: a policy for other things
    return [{
      title: "Content-Security-Policy allows unsafe-inline and unsafe-eval scripts",
      severity: "medium",
      description:
        "The policy's script sources include both 'unsafe-inline' (without a nonce or hash) and " +
        "'unsafe-eval', so it does not stop injected inline scripts.",
      evidence: clip(`Content-Security-Policy: ${weakest}`),
      cwe: 693,
      confidence: "high",
    }];
  },
};
