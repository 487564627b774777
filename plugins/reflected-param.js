// XSS hint: flags HTML responses in which the value of a query parameter
// appears verbatim. A value with HTML metacharacters (< > " ') reflected
// unencoded is a strong hint (medium); a distinctive token (letters and digits,
// 6+ characters) reflected is only a test point for manual review (info).
// Scans at most the first 1 MiB of the body.

import { bodyText, decodeComponent, clip } from "warden:std";

const MAX_SCAN_CHARS = 1 << 20;
const MAX_PARAMS = 50;
const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
const SPECIAL = /[<>"']/;
const TOKEN = /^[A-Za-z0-9_.-]{6,200}$/;
const HAS_LETTER = /[A-Za-z]/;
const HAS_DIGIT = /[0-9]/;
const LOOKS_NUMERIC = /^[0-9._-]+$|^\d+(\.\d+)*[a-z]?$/i;  // numbers, versions, dates
const HEXISH = /^[0-9a-f]{6,}$/i;

function htmlText(res) {
  return HTML_MIME.test(res.mimeType || "") ? bodyText(res, MAX_SCAN_CHARS) : "";
}

// Query parameters of a URL as [name, decoded value] pairs (no URL class in
// the sandbox: string operations only).
function queryParams(url) {
  const q = url.indexOf("?");
  if (q < 0) return [];
  let query = url.slice(q + 1);
  const hash = query.indexOf("#");
  if (hash >= 0) query = query.slice(0, hash);
  const out = [];
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    out.push([decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
    if (out.length >= MAX_PARAMS) break;
  }
  return out;
}

// Shows where the value landed, with the value itself shortened.
function context(html, index, value) {
  const before = html.slice(Math.max(0, index - 40), index).replace(/\s+/g, " ");
  const shown = value.length > 40 ? value.slice(0, 39) + "…" : value;
  return `${before}${shown}`;
}

export default {
  id: "reflected-param",
  name: "Query parameter reflected in HTML",
  version: "1.0.0",

  scan(txn) {
    const req = txn.request || {};
    const params = queryParams(String(req.url || ""));
    if (params.length === 0) return [];
    const html = htmlText(txn.response || {});
    if (html === "") return [];

    let unencoded = null;
    let token = null;
    for (const [name, value] of params) {
      if (value.length < 4 || value.length > 2000) continue;
      if (SPECIAL.test(value)) {
        if (unencoded === null) {
          const i = html.indexOf(value);
          if (i >= 0) unencoded = { name, evidence: context(html, i, value) };
        }
      } else if (token === null && TOKEN.test(value) && HAS_LETTER.test(value) &&
                 HAS_DIGIT.test(value) && !LOOKS_NUMERIC.test(value) &&
                 !(HEXISH.test(value) && value.length < 8)) {
        const i = html.indexOf(value);
        if (i >= 0) token = { name, evidence: context(html, i, value) };
      }
    }

    const findings = [];
    if (unencoded) {
      findings.push({
        title: "Query parameter reflected unencoded in HTML",
        severity: "medium",
        description:
          `The value of "${clip(unencoded.name, 60)}", which contains HTML metacharacters, ` +
          "appears verbatim (not HTML-encoded) in the page: a likely reflected XSS. Confirm " +
          "with a payload.",
        evidence: clip(`${unencoded.name}: …${unencoded.evidence}`),
        cwe: 79,
        confidence: "medium",
      });
    }
    if (token) {
      findings.push({
        title: "Query parameter value reflected in HTML",
        severity: "info",
        description:
          `The value of "${clip(token.name, 60)}" appears in the page. Not a vulnerability by ` +
          "itself; a test point for reflected XSS.",
        evidence: clip(`${token.name}: …${token.evidence}`),
        cwe: 79,
        confidence: "low",
      });
    }
    return findings;
  },
};
