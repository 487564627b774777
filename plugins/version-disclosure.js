// Flags response headers that disclose server or framework versions (Server,
// X-Powered-By, X-AspNet-Version, ...) when they carry a version number: it
// tells an attacker which known vulnerabilities to try.

import { clip } from "warden:std";

const HEADERS = [
  "server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator",
  "x-runtime-version", "x-server-version", "x-version", "x-php-version", "x-drupal-cache-version",
  "x-owa-version", "x-sourcefiles-version", "via",
];
const HEADER_SET = new Set(HEADERS);
// A digit group with a dot (1.2, 8.5.3) or a product/digit token (PHP/7, Apache/2).
const VERSION = /(?:^|[\s\/(v-])(\d{1,4}\.\d{1,4}(?:\.\d{1,6}){0,3}[a-z]?)\b|[a-z]\/(\d{1,4})\b/i;
const VIA_VERSION = /\b(squid|varnish|apache|nginx|haproxy|envoy|traffic server|ats)\b[\/ ]?v?(\d{1,4}\.\d)/i;

export default {
  id: "version-disclosure",
  name: "Server or framework version disclosed",
  version: "1.0.0",

  scan(txn) {
    const res = txn.response || {};
    const disclosed = [];
    const seen = new Set();
    for (const h of res.headers || []) {
      const name = String(h && h.name).toLowerCase();
      if (!HEADER_SET.has(name) || seen.has(name)) continue;
      const value = String(h.value).trim();
      // Via "1.1 proxy": the leading protocol version is not a product version.
      const hit = name === "via" ? VIA_VERSION.test(value) : VERSION.test(value);
      if (!hit) continue;
      seen.add(name);
      disclosed.push(`${h.name}: ${value}`);
    }
    if (disclosed.length === 0) return [];
    return [{
      title: "Server or framework version disclosed in headers",
      severity: "low",
      description:
        "Response headers name software with its version. Remove or genericise them (e.g. " +
        "server_tokens off, expose_php = Off, enableVersionHeader=false).",
      evidence: clip(disclosed.join("; ")),
      cwe: 497,
      confidence: "high",
    }];
  },
};
