// Flags HTML pages served over https that load active content over plain
// http: scripts, stylesheets, iframes/frames, objects and embeds. A network
// attacker can rewrite those to take over the page (browsers block most of it,
// breaking the page instead). One finding per page, scanning the first 1 MiB.

import { bodyText, clip } from "warden:std";

const MAX_SCAN_CHARS = 1 << 20;
const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
const HTTPS_URL = /^https:\/\//i;
// A tag is matched up to the next '<' or '>' (never across tags), then its
// attributes are checked separately: linear in the body length.
const SRC_TAG = /<(script|iframe|frame|object|embed)\b[^<>]{0,2000}/gi;
const SRC_HTTP = /\s(?:src|data)\s{0,4}=\s{0,4}["']?\s{0,4}(http:\/\/[^"'\s<>]{1,300})/i;
const LINK_TAG = /<link\b[^<>]{0,2000}/gi;
const LINK_REL_STYLESHEET = /\srel\s{0,4}=\s{0,4}["']?[^"'>]{0,60}\b(stylesheet|import)\b/i;
const LINK_HREF_HTTP = /\shref\s{0,4}=\s{0,4}["']?\s{0,4}(http:\/\/[^"'\s>]{1,300})/i;

function htmlText(res) {
  return HTML_MIME.test(res.mimeType || "") ? bodyText(res, MAX_SCAN_CHARS) : "";
}

// The HTML without <!-- comments --> (an unterminated one runs to the end).
function stripComments(html) {
  let out = "";
  let from = 0;
  for (;;) {
    const start = html.indexOf("<!--", from);
    if (start < 0) return out + html.slice(from);
    out += html.slice(from, start);
    const end = html.indexOf("-->", start + 4);
    if (end < 0) return out;
    from = end + 3;
  }
}

export default {
  id: "mixed-content",
  name: "Mixed content on https pages",
  version: "1.0.0",

  scan(txn) {
    const req = txn.request || {};
    if (!HTTPS_URL.test(String(req.url || ""))) return [];
    let html = htmlText(txn.response || {});
    if (html === "") return [];
    html = stripComments(html);

    const urls = [];
    SRC_TAG.lastIndex = 0;
    let m;
    while ((m = SRC_TAG.exec(html)) !== null && urls.length < 20) {
      const src = SRC_HTTP.exec(m[0]);
      if (src) urls.push(`<${m[1].toLowerCase()}> ${src[1]}`);
    }
    LINK_TAG.lastIndex = 0;
    while ((m = LINK_TAG.exec(html)) !== null && urls.length < 20) {
      if (!LINK_REL_STYLESHEET.test(m[0])) continue;
      const href = LINK_HREF_HTTP.exec(m[0]);
      if (href) urls.push(`<link stylesheet> ${href[1]}`);
    }
    if (urls.length === 0) return [];
    return [{
      title: "Mixed content: https page loads active content over http",
      severity: "medium",
      description:
        "The https page includes scripts, stylesheets or frames over plain http; a network " +
        "attacker can replace them and take over the page.",
      evidence: clip(urls.length > 1 ? `${urls[0]} (+${urls.length - 1} more)` : urls[0]),
      cwe: 319,
      confidence: "high",
    }];
  },
};
