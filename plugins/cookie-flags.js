// Flags Set-Cookie headers with missing protection attributes: Secure missing
// on https, HttpOnly missing on session-like cookies, SameSite missing, and
// SameSite=None without Secure. Cookies being deleted (empty value, Max-Age<=0
// or an Expires in the past) are skipped. One finding per issue per
// transaction, naming the cookies but never showing their values.

import { headerValues } from "warden:std";

const URL_SCHEME = /^([a-z][a-z0-9+.-]{0,20}):/i;
const SESSION_NAME =
  /(^|[_.-])(sess|session|sessid|sessionid|sid|auth|token|jwt|login|logged|remember|identity|user_?id|access|refresh)($|[_.-])|^(phpsessid|jsessionid|asp\.net_sessionid|aspsessionid\w{0,20}|connect\.sid|laravel_session|ci_session|_session_id|\.aspxauth|__host-|__secure-)/i;
const ANALYTICS_NAME = /^(_ga|_gid|_gat|_fbp|__utm[a-z]|_hj|_gcl|__gads|_uet|ajs_|mp_|optimizely)/i;
const MAX_NAMES = 5;

// One Set-Cookie line -> { name, value, attrs: Map(lowercase name -> value) }.
function parseSetCookie(line) {
  const parts = line.split(";");
  const first = parts[0];
  const eq = first.indexOf("=");
  if (eq <= 0) return null;
  const attrs = new Map();
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i];
    const e = p.indexOf("=");
    const key = (e < 0 ? p : p.slice(0, e)).trim().toLowerCase();
    if (key) attrs.set(key, e < 0 ? "" : p.slice(e + 1).trim());
  }
  return { name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim(), attrs };
}

function isDeletion(cookie, now) {
  const v = cookie.value.replace(/^"|"$/g, "");
  if (v === "" || /^(deleted|null|none)$/i.test(v)) return true;
  if (cookie.attrs.has("max-age") && Number(cookie.attrs.get("max-age")) <= 0) return true;
  if (cookie.attrs.has("expires")) {
    const t = Date.parse(cookie.attrs.get("expires").replace(/-/g, " "));
    if (Number.isFinite(t) && Number.isFinite(now) && t < now) return true;
  }
  return false;
}

function nameList(names) {
  const shown = names.slice(0, MAX_NAMES).join(", ");
  return names.length > MAX_NAMES ? `${shown} (+${names.length - MAX_NAMES} more)` : shown;
}

export default {
  id: "cookie-flags",
  name: "Cookie security attributes",
  version: "1.0.0",

  scan(txn) {
    const req = txn.request || {};
    const res = txn.response || {};
    const scheme = (URL_SCHEME.exec(String(req.url || "")) || [])[1];
    const https = scheme !== undefined && /^(https|wss)$/i.test(scheme);
    // "Deleted" means expired relative to when the traffic was recorded.
    const recorded = Date.parse(txn.startedDateTime || "");
    const now = Number.isFinite(recorded) ? recorded : Date.now();

    const noSecure = [];
    const noHttpOnly = [];
    const noSameSite = [];
    const noneWithoutSecure = [];
    const seen = new Set();
    for (const header of headerValues(res.headers, "set-cookie")) {
      // Some exporters fold several Set-Cookie headers into one value, one per line.
      for (const line of header.split(/\r?\n/)) {
        const cookie = parseSetCookie(line);
        if (!cookie || seen.has(cookie.name) || isDeletion(cookie, now)) continue;
        seen.add(cookie.name);
        const secure = cookie.attrs.has("secure");
        const sameSite = cookie.attrs.has("samesite") ? cookie.attrs.get("samesite").toLowerCase()
                                                      : null;
        if (https && !secure) noSecure.push(cookie.name);
        if (!cookie.attrs.has("httponly") && SESSION_NAME.test(cookie.name) &&
            !ANALYTICS_NAME.test(cookie.name) && !/csrf|xsrf/i.test(cookie.name)) {
          noHttpOnly.push(cookie.name);
        }
        if (sameSite === null) noSameSite.push(cookie.name);
        else if (sameSite === "none" && !secure) noneWithoutSecure.push(cookie.name);
      }
    }

    const findings = [];
    if (noHttpOnly.length) {
      findings.push({
        title: "Session cookie without HttpOnly flag",
        severity: "medium",
        description:
          "A session-like cookie is readable from JavaScript, so any XSS on the site can steal it.",
        evidence: `Set-Cookie without HttpOnly: ${nameList(noHttpOnly)}`,
        cwe: 1004,
        confidence: "medium",
      });
    }
    if (noSecure.length) {
      findings.push({
        title: "Cookie without Secure flag",
        severity: "low",
        description:
          "A cookie set over https lacks the Secure attribute, so the browser also sends it " +
          "over plain http where a network attacker can read it.",
        evidence: `Set-Cookie without Secure: ${nameList(noSecure)}`,
        cwe: 614,
        confidence: "high",
      });
    }
    if (noneWithoutSecure.length) {
      findings.push({
        title: "Cookie with SameSite=None but without Secure",
        severity: "low",
        description:
          "SameSite=None cookies must also be Secure; browsers reject or downgrade them otherwise.",
        evidence: `SameSite=None without Secure: ${nameList(noneWithoutSecure)}`,
        cwe: 1275,
        confidence: "high",
      });
    }
    if (noSameSite.length) {
      findings.push({
        title: "Cookie without SameSite attribute",
        severity: "info",
        description:
          "The cookie relies on the browser's default SameSite behaviour, which differs " +
          "between browsers; set SameSite=Lax or Strict explicitly.",
        evidence: `Set-Cookie without SameSite: ${nameList(noSameSite)}`,
        cwe: 1275,
        confidence: "high",
      });
    }
    return findings;
  },
};
