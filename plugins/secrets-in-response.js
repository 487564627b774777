// Flags credentials in response bodies: AWS access key ids, Google API keys,
// PEM private keys, GitHub / Slack / Stripe tokens and JSON Web Tokens. One
// finding per kind of secret per transaction; evidence shows only a prefix.
// Scans at most the first 1 MiB of a textual body.

import { base64Decode, bodyText } from "warden:std";

const MAX_SCAN_CHARS = 1 << 20;
const TEXT_MIME =
  /^\s*(text\/|application\/(json|javascript|x-javascript|ecmascript|xml|xhtml\+xml|x-www-form-urlencoded|[\w.+-]{1,60}\+(json|xml))|image\/svg\+xml)/i;

// Each rule: one regex, global, with bounded quantifiers (no nested repeats).
const RULES = [
  {
    kind: "private-key",
    re: /-----BEGIN ((?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/g,
    title: "Private key in response body",
    severity: "critical",
    cwe: 321,
    prefix: 40,
  },
  {
    kind: "aws",
    re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g,
    title: "AWS access key ID in response body",
    severity: "high",
    cwe: 798,
    prefix: 8,
  },
  {
    kind: "stripe",
    re: /\b(sk|rk)_live_[0-9a-zA-Z]{20,99}\b/g,
    title: "Stripe live secret key in response body",
    severity: "high",
    cwe: 798,
    prefix: 12,
  },
  {
    kind: "github",
    re: /\b(gh[pousr]_[A-Za-z0-9]{36,40}|github_pat_[A-Za-z0-9_]{60,90})\b/g,
    title: "GitHub token in response body",
    severity: "high",
    cwe: 798,
    prefix: 8,
  },
  {
    kind: "slack",
    re: /\bxox[baprs]-[0-9A-Za-z]{8,15}-[0-9A-Za-z-]{8,80}\b/g,
    title: "Slack token in response body",
    severity: "high",
    cwe: 798,
    prefix: 9,
  },
  {
    kind: "google",
    re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
    title: "Google API key in response body",
    severity: "low",
    cwe: 798,
    prefix: 8,
    description:
      "Google API keys in pages are often meant to be public (Maps, Firebase); check that this " +
      "one is restricted by HTTP referrer and API.",
  },
  {
    kind: "jwt",
    re: /\beyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{0,1000}/g,
    title: "JSON Web Token in response body",
    severity: "low",
    cwe: 200,
    prefix: 12,
    description:
      "A JWT appears in the body. Expected in a token endpoint's reply; elsewhere (HTML, " +
      "scripts, other users' data) it may leak a bearer credential.",
  },
];

function responseText(res) {
  const mime = res.mimeType || "";
  if (res.bodyEncoding === "base64" ? !TEXT_MIME.test(mime) : mime !== "" && !TEXT_MIME.test(mime)) {
    return "";
  }
  return bodyText(res, MAX_SCAN_CHARS);
}

function looksLikeJwt(token) {
  const header = base64Decode(token.slice(0, token.indexOf(".")));
  return /^\s*\{[^}]{0,400}"alg"\s*:/.test(header);
}

// Placeholders from documentation and test data are not secrets.
function isPlaceholder(kind, match) {
  if (kind === "aws") return /EXAMPLE$/.test(match) || /^(AKIA|ASIA)(X{16}|0{16})$/.test(match);
  if (/(x{8}|0{10}|example|dummy|placeholder)/i.test(match)) return true;
  return false;
}

export default {
  id: "secrets-in-response",
  name: "Secrets in response bodies",
  version: "1.0.0",

  scan(txn) {
    const text = responseText(txn.response || {});
    if (text.length < 16) return [];
    const findings = [];
    for (const rule of RULES) {
      rule.re.lastIndex = 0;
      let m;
      let hit = null;
      let count = 0;
      while ((m = rule.re.exec(text)) !== null) {
        const match = m[0];
        if (isPlaceholder(rule.kind, match)) continue;
        if (rule.kind === "jwt" && !looksLikeJwt(match)) continue;
        if (hit === null) hit = match;
        if (++count >= 100) break;
      }
      if (hit === null) continue;
      const shown = rule.kind === "private-key" ? hit : `${hit.slice(0, rule.prefix)}…(redacted)`;
      findings.push({
        title: rule.title,
        severity: rule.severity,
        description: rule.description ||
          "A credential appears in the response body. Revoke it and keep secrets server-side.",
        evidence: count > 1 ? `${shown} (${count} occurrences)` : shown,
        cwe: rule.cwe,
        confidence: rule.kind === "jwt" || rule.kind === "google" ? "medium" : "high",
      });
    }
    return findings;
  },
};
