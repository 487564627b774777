// Flags passwords, API keys, access tokens and session ids sent in the URL
// query string (or as ;jsessionid= path parameters). URLs end up in server
// and proxy logs, browser history and Referer headers. Values are never shown.

import { decodeComponent } from "warden:std";

const MAX_PARAMS = 100;
const PASSWORD_NAMES = new Set(["password", "passwd", "pwd", "pass", "passphrase", "passcode", "pin"]);
const SECRET_NAMES = new Set([
  "token", "accesstoken", "authtoken", "idtoken", "refreshtoken", "bearertoken", "apikey",
  "apitoken", "secret", "clientsecret", "appsecret", "secretkey", "privatekey", "sessionid",
  "session", "sessid", "sid", "jsessionid", "phpsessid", "aspsessionid", "sessiontoken", "auth",
  "authorization", "oauthtoken", "awssecretaccesskey", "xamzsecuritytoken", "credentials",
]);
// Tokens that are not credentials: pagination, sync and anti-CSRF tokens.
const NOT_SECRET = /^(page|next|prev|previous|continuation|sync|cursor|csrf|xsrf|cache|request|state|nonce|form|verify|captcha)/;
const PLACEHOLDER = /^(null|undefined|none|true|false|\*+|x+|0+|test|example|-?1)$/i;
const SECRET_SHAPE = /^[^\s]{12,4096}$/;
const PATH_SESSION = /;(jsessionid|phpsessid|sid)=([^?#\/;]{8,200})/i;

function queryParams(url) {
  const q = url.indexOf("?");
  if (q < 0) return [];
  let query = url.slice(q + 1);
  const hash = query.indexOf("#");
  if (hash >= 0) query = query.slice(0, hash);
  const out = [];
  for (const part of query.split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    out.push([decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
    if (out.length >= MAX_PARAMS) break;
  }
  return out;
}

function kind(name) {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (n === "" || NOT_SECRET.test(n)) return null;
  if (PASSWORD_NAMES.has(n) || n.endsWith("password") || n.endsWith("passwd")) return "password";
  if (SECRET_NAMES.has(n) || n.endsWith("apikey") || n.endsWith("accesstoken") ||
      n.endsWith("authtoken") || n.endsWith("secret") || n.endsWith("sessionid")) {
    return "secret";
  }
  return null;
}

function redact(name, value, k) {
  const shown = k === "password" || value.length < 12 ? "" : value.slice(0, 4);
  return `${name}=${shown}…(redacted)`;
}

export default {
  id: "sensitive-data-in-url",
  name: "Sensitive data in URL",
  version: "1.0.0",

  scan(txn) {
    const url = String((txn.request || {}).url || "");
    const passwords = [];
    const secrets = [];
    const seen = new Set();
    for (const [name, value] of queryParams(url)) {
      const k = kind(name);
      if (k === null || seen.has(name.toLowerCase())) continue;
      const v = value.trim();
      if (PLACEHOLDER.test(v)) continue;
      // Secrets are long and random-looking; short or all-digit values (site
      // ids, counters) are not credentials.
      if (k === "password" ? v.length < 3 : !SECRET_SHAPE.test(v) || !/\d/.test(v) || !/[a-z]/i.test(v)) {
        continue;
      }
      seen.add(name.toLowerCase());
      (k === "password" ? passwords : secrets).push(redact(name, v, k));
    }
    const pathSession = PATH_SESSION.exec(url.split("?")[0]);
    if (pathSession) secrets.push(redact(pathSession[1], pathSession[2], "secret"));

    const findings = [];
    if (passwords.length) {
      findings.push({
        title: "Password in URL query string",
        severity: "medium",
        description:
          "A password is sent in the URL, which is stored in server, proxy and browser logs " +
          "and leaked through Referer. Send it in a POST body.",
        evidence: passwords.slice(0, 3).join("&"),
        cwe: 598,
        confidence: "high",
      });
    }
    if (secrets.length) {
      findings.push({
        title: "Credential or session token in URL",
        severity: "low",
        description:
          "An API key, access token or session id is sent in the URL, where logs, history and " +
          "Referer headers keep it. Send it in a header (Authorization) or a cookie.",
        evidence: secrets.slice(0, 3).join("&"),
        cwe: 598,
        confidence: "medium",
      });
    }
    return findings;
  },
};
