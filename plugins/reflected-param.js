// XSS hint: flags HTML responses in which the value of a query parameter
// appears verbatim. A value with HTML metacharacters (< > " ') reflected
// unencoded is a strong hint (medium); a distinctive token (letters and digits,
// 6+ characters) reflected is only a test point for manual review (info).
// Scans at most the first 1 MiB of the body.

const MAX_SCAN_CHARS = 1 << 20;
const MAX_PARAMS = 50;
const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
const SPECIAL = /[<>"']/;
const TOKEN = /^[A-Za-z0-9_.-]{6,200}$/;
const HAS_LETTER = /[A-Za-z]/;
const HAS_DIGIT = /[0-9]/;
const LOOKS_NUMERIC = /^[0-9._-]+$|^\d+(\.\d+)*[a-z]?$/i;  // numbers, versions, dates
const HEXISH = /^[0-9a-f]{6,}$/i;

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

function decodeBase64(text) {
  let out = "";
  let bits = 0;
  let acc = 0;
  const chunk = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c] : -1;
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      chunk.push((acc >> bits) & 0xff);
      if (chunk.length === 8192) {
        out += String.fromCharCode.apply(null, chunk);
        chunk.length = 0;
      }
    }
  }
  return out + String.fromCharCode.apply(null, chunk);
}

function htmlText(res) {
  const body = typeof res.body === "string" ? res.body : "";
  if (body === "" || !HTML_MIME.test(res.mimeType || "")) return "";
  if (res.bodyEncoding === "base64") {
    return decodeBase64(body.slice(0, Math.ceil(MAX_SCAN_CHARS / 3) * 4));
  }
  return body.length > MAX_SCAN_CHARS ? body.slice(0, MAX_SCAN_CHARS) : body;
}

function decodeComponent(s) {
  const plus = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch (e) {
    return plus;
  }
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

function clip(text, max = 200) {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
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
