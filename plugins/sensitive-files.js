// Flags sensitive files served with 200: version-control metadata (.git/,
// .svn/, .hg/), environment files (.env), database dumps (*.sql), server
// configuration (web.config, .htpasswd), backups (*.bak, *.old, *~ ...) and
// .DS_Store. To stay quiet on catch-all routes that answer every path with an
// HTML page, a hit needs the file's tell-tale content (high confidence) or a
// non-empty, non-HTML body (medium); with no body recorded, a non-HTML type
// (low).

import { bodyText } from "warden:std";

const MAX_SCAN_CHARS = 64 * 1024;  // signatures sit at the start of the file
const HTML_MIME = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
const HTML_START = /^\s{0,200}(<!doctype html|<html|<head|<body)/i;
const TEXT_MIME =
  /^\s*(text\/|application\/(json|javascript|x-javascript|xml|sql|x-sql|x-sh|x-httpd-php|octet-stream|[\w.+-]{1,60}\+(json|xml)))/i;

const RULES = [
  {
    path: /\/\.git\/(HEAD|ORIG_HEAD|FETCH_HEAD|config|index|packed-refs|description|logs\/HEAD|refs\/[^?#]{1,200}|objects\/[^?#]{1,200})$/i,
    sign: /^(ref: refs\/|[0-9a-f]{40}\b|\[core\]|DIRC|# pack-refs|0{40} [0-9a-f]{40} )/,
    title: "Git repository metadata exposed",
    severity: "high",
    cwe: 527,
  },
  {
    path: /\/(\.svn\/(entries|wc\.db)|\.hg\/(hgrc|store\/[^?#]{1,200}|requires|dirstate)|\.bzr\/[^?#]{1,200}|CVS\/(Root|Entries))$/i,
    sign: /^(\d{1,3}\s{1,4}\n|SQLite format 3|\[paths\]|revlogv1|dotencode|:pserver:|D?\/[^\n\/]{1,100}\/)/,
    title: "Version control metadata exposed",
    severity: "high",
    cwe: 527,
  },
  {
    path: /\/\.env(\.[\w-]{1,30})?$/i,
    sign: /^\s{0,200}(#[^\n]{0,200}\n\s{0,200}){0,20}(export\s{1,4})?[A-Z_][A-Z0-9_]{1,60}\s{0,4}=/,
    title: "Environment file exposed",
    severity: "high",
    cwe: 538,
  },
  {
    path: /\/(web\.config|\.htpasswd|\.htaccess|wp-config\.php\.[\w~-]{1,20}|config\.php\.[\w~-]{1,20}|\.npmrc|\.pypirc|\.aws\/credentials|\.ssh\/id_(rsa|dsa|ecdsa|ed25519)|id_(rsa|dsa|ecdsa|ed25519))$/i,
    sign: /<configuration[\s>]|^[\w.@-]{1,64}:(\$apr1\$|\$2[aby]\$|\{SHA\}|[.\/\w]{13}$)|^\s{0,20}(RewriteEngine|Options|Order|Deny|AuthType)\b|DB_PASSWORD|_authToken|aws_secret_access_key|-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----/m,
    title: "Server configuration or credentials file exposed",
    severity: "high",
    cwe: 538,
  },
  {
    path: /\.(sql|sql\.gz|sql\.zip|sql\.bz2|dump|sqlite|sqlite3|db)$/i,
    sign: /CREATE TABLE|INSERT INTO|-- MySQL dump|PostgreSQL database dump|^SQLite format 3/i,
    title: "Database dump exposed",
    severity: "high",
    cwe: 530,
  },
  {
    path: /\.(bak|backup|old|orig|save|swp|tmp|copy|[a-z]{2,4}~)$|~$/i,
    sign: null,
    title: "Backup file exposed",
    severity: "medium",
    cwe: 530,
  },
  {
    path: /\/\.DS_Store$/,
    sign: /^\x00\x00\x00\x01Bud1/,
    title: ".DS_Store file exposed",
    severity: "low",
    cwe: 538,
  },
];

// The URL's path, percent-decoded where possible, without query or fragment.
function urlPath(url) {
  let rest = url.replace(/^[a-z][a-z0-9+.-]{0,20}:\/\/[^\/?#]{0,300}/i, "");
  const cut = rest.search(/[?#]/);
  if (cut >= 0) rest = rest.slice(0, cut);
  rest = rest.replace(/;[^\/]{0,200}$/, "");  // ;jsessionid=... path parameters
  try {
    return decodeURIComponent(rest);
  } catch (e) {
    return rest;
  }
}

export default {
  id: "sensitive-files",
  name: "Sensitive file served",
  version: "1.0.0",

  scan(txn) {
    const req = txn.request || {};
    const res = txn.response || {};
    if (Number(res.status) !== 200) return [];
    const path = urlPath(String(req.url || ""));
    if (path.length < 2) return [];
    const rule = RULES.find((r) => r.path.test(path));
    if (!rule) return [];

    const mime = res.mimeType || "";
    const text = bodyText(res, MAX_SCAN_CHARS);
    let confidence = null;
    if (text !== "") {
      if (rule.sign && rule.sign.test(text)) confidence = "high";
      else if (!HTML_MIME.test(mime) && !HTML_START.test(text)) {
        // Binary or text that is not an HTML fallback page: probably the file.
        confidence = rule.sign === null || !TEXT_MIME.test(mime) ? "medium" : "low";
      }
    } else if (mime !== "" && !HTML_MIME.test(mime)) {
      confidence = "low";
    }
    if (confidence === null) return [];
    const name = path.length > 120 ? "…" + path.slice(-119) : path;
    return [{
      title: rule.title,
      severity: rule.severity,
      description:
        `${name} is served with 200 and its content ${confidence === "high" ? "matches" :
        "looks like"} the file itself. Remove it from the web root or deny access to it.`,
      evidence: `GET ${name} -> 200 ${mime || "(no type)"}${text ? `, ${res.body.length} chars` : ""}`,
      cwe: rule.cwe,
      confidence,
    }];
  },
};
