// Flags auto-generated directory listings (Apache/nginx "Index of /", Python
// and Tomcat "Directory listing for", IIS "[To Parent Directory]"): they show
// files nobody meant to link, such as backups and configuration.

import { bodyText, clip } from "warden:std";

const MAX_SCAN_CHARS = 256 * 1024;  // listings put their tell-tale in the first lines
const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml|text\/plain)\b/i;
const LISTINGS = [
  ["Apache/nginx", /<title>\s{0,4}Index of \/[^<]{0,300}<\/title>|<h1>\s{0,4}Index of \/[^<]{0,300}<\/h1>/i],
  ["Python/Tomcat", /<title>\s{0,4}Directory listing for \/[^<]{0,300}<\/title>|<h[12]>\s{0,4}Directory listing for \/[^<]{0,300}<\/h[12]>/i],
  ["IIS", /\[To Parent Directory\]<\/a>/i],
  ["Jetty/Lighttpd", /<title>\s{0,4}Directory: \/[^<]{0,300}<\/title>|<h2>\s{0,4}Index of \/[^<]{0,300}<\/h2>/i],
];

function htmlText(res) {
  // Base64 HTML bodies are rare; a listing is plain text in every exporter we know.
  if (res.bodyEncoding === "base64" || !HTML_MIME.test(res.mimeType || "")) return "";
  return bodyText(res, MAX_SCAN_CHARS);
}

export default {
  id: "directory-listing",
  name: "Directory listing enabled",
  version: "1.0.0",

  scan(txn) {
    const res = txn.response || {};
    if (Number(res.status) !== 200) return [];
    const html = htmlText(res);
    if (html === "") return [];
    for (const [server, re] of LISTINGS) {
      const m = re.exec(html);
      if (!m) continue;
      return [{
        title: "Directory listing enabled",
        severity: "medium",
        description:
          `The server returns an auto-generated ${server} directory listing, exposing every ` +
          "file in the directory. Disable autoindex / directory browsing.",
        evidence: clip(m[0].replace(/\s+/g, " ")),
        cwe: 548,
        confidence: "high",
      }];
    }
    return [];
  },
};
