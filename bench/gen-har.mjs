#!/usr/bin/env node
// Seeded generator of realistic HAR 1.2 traffic for the comparison benchmark
// (bench/compare.mjs): the same --seed and --entries always give the same bytes.
//
//   node bench/gen-har.mjs --entries 2000 --seed 42 > out.har
//
// The mix: HTML pages (some with inline scripts and forgotten comments), JSON
// APIs (GET and POST, CORS headers right and wrong, tokens in answers), scripts
// (some with hard-coded keys), stylesheets, images and fonts (base64 bodies with
// real magic bytes), redirects (some open, some to http), errors (404 pages, 500s
// with Java, Node.js and Python stack traces), Set-Cookie with and without
// Secure/HttpOnly/SameSite, missing or present security headers, version
// disclosure, and planted secrets: fake AWS key ids (AKIA...), JWTs, PEM private
// key blocks, passwords and tokens in query strings and bodies. All secrets are
// made up from the seeded PRNG.

function parseArgs(argv) {
  const opts = { entries: 2000, seed: 42, hosts: 6 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--entries") opts.entries = Number(next());
    else if (a === "--seed") opts.seed = Number(next());
    else if (a === "--hosts") opts.hosts = Number(next());
    else if (a === "-h" || a === "--help") {
      process.stdout.write("usage: node bench/gen-har.mjs [--entries N] [--seed S] [--hosts H] > out.har\n");
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(opts.entries) || opts.entries < 1) throw new Error("--entries must be a positive integer");
  if (!Number.isFinite(opts.seed)) throw new Error("--seed must be a number");
  return opts;
}

// mulberry32: small, fast, good enough for test data, identical on every platform.
function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    weighted: (pairs) => {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let r = next() * total;
      for (const [v, w] of pairs) {
        if ((r -= w) < 0) return v;
      }
      return pairs[pairs.length - 1][0];
    },
    chars: (alphabet, n) => {
      let s = "";
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
    bytes: (n) => {
      const b = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
  };
  return rng;
}

const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";
const B64 = ALNUM + "+/";
const WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor " +
  "incididunt ut labore et dolore magna aliqua account order invoice customer product search " +
  "checkout cart profile settings dashboard report export import billing shipping support").split(" ");

const b64url = (buf) => buf.toString("base64").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

function generate({ entries: count, seed, hosts: hostCount }) {
  const rng = makeRng(seed);
  const words = (n) => Array.from({ length: n }, () => rng.pick(WORDS)).join(" ");
  const slug = () => `${rng.pick(WORDS)}-${rng.pick(WORDS)}`;

  const tlds = ["example.com", "example.net", "example.org", "shop.example", "api.example", "cdn.example"];
  const sites = Array.from({ length: Math.max(1, hostCount) }, (_, i) => {
    const base = tlds[i % tlds.length];
    return {
      origin: `${rng.chance(0.85) ? "https" : "http"}://${i < tlds.length ? "www" : `app${i}`}.${base}`,
      api: `https://api.${base}`,
      cdn: `https://static.${base}`,
      server: rng.pick(["nginx/1.18.0", "Apache/2.4.41 (Ubuntu)", "nginx", "cloudflare", "Microsoft-IIS/10.0", "gunicorn/20.0.4", "envoy"]),
      poweredBy: rng.pick([null, null, "PHP/7.4.3", "Express", "ASP.NET", "Next.js"]),
      hsts: rng.chance(0.5),
      csp: rng.chance(0.4),
      xfo: rng.chance(0.5),
      nosniff: rng.chance(0.6),
    };
  });

  const fakeAwsKeyId = () => `AKIA${rng.chars(UPPER_DIGITS, 16)}`;
  const fakeAwsSecret = () => rng.chars(ALNUM + "/+", 40);
  const fakeJwt = () => {
    const header = b64url(Buffer.from(JSON.stringify({ alg: rng.pick(["HS256", "RS256", "none"]), typ: "JWT" })));
    const payload = b64url(Buffer.from(JSON.stringify({
      sub: String(rng.int(1000, 99999)), name: `${rng.pick(WORDS)} ${rng.pick(WORDS)}`,
      role: rng.pick(["user", "admin", "editor"]), iat: 1714550000 + rng.int(0, 86400),
    })));
    return `${header}.${payload}.${b64url(rng.bytes(32))}`;
  };
  const fakePem = () => {
    const kind = rng.pick(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"]);
    const lines = [];
    for (let i = 0, n = rng.int(6, 14); i < n; i++) lines.push(rng.chars(B64, 64));
    return `-----BEGIN ${kind}-----\n${lines.join("\n")}\n-----END ${kind}-----`;
  };

  const uas = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
  ];
  const ua = rng.pick(uas);
  const sessionId = rng.chars(HEX, 32);

  let clock = Date.UTC(2024, 4, 1, 10, 0, 0); // fixed start: output depends on the seed only
  const pages = [];
  const out = [];

  const h = (name, value) => ({ name, value });
  const qs = (url) => {
    const q = url.indexOf("?");
    if (q < 0) return [];
    return url.slice(q + 1).split("&").map((kv) => {
      const e = kv.indexOf("=");
      return e < 0 ? { name: kv, value: "" } : { name: kv.slice(0, e), value: kv.slice(e + 1) };
    });
  };

  function securityHeaders(site, isHtml) {
    const hs = [];
    if (site.hsts && site.origin.startsWith("https") && rng.chance(0.9)) {
      hs.push(h("Strict-Transport-Security", rng.pick(["max-age=31536000; includeSubDomains", "max-age=300", "max-age=63072000; includeSubDomains; preload"])));
    }
    if (site.nosniff && rng.chance(0.95)) hs.push(h("X-Content-Type-Options", "nosniff"));
    if (isHtml) {
      if (site.xfo) hs.push(h("X-Frame-Options", rng.pick(["DENY", "SAMEORIGIN", "ALLOW-FROM https://partner.example"])));
      if (site.csp) {
        hs.push(h("Content-Security-Policy", rng.pick([
          "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
          "default-src 'self'; img-src * data:; object-src 'none'",
          "script-src * 'unsafe-eval'",
          "upgrade-insecure-requests",
        ])));
      }
    }
    return hs;
  }

  function serverHeaders(site) {
    const hs = [h("Server", site.server), h("Date", new Date(clock).toUTCString())];
    if (site.poweredBy) hs.push(h("X-Powered-By", site.poweredBy));
    if (rng.chance(0.1)) hs.push(h("X-AspNet-Version", "4.0.30319"));
    return hs;
  }

  function setCookies(site) {
    const hs = [];
    const cookies = [];
    const n = rng.weighted([[0, 6], [1, 3], [2, 1]]);
    for (let i = 0; i < n; i++) {
      const name = rng.pick(["sessionid", "JSESSIONID", "PHPSESSID", "sid", "auth_token", "_ga", "_gid", "csrftoken", "theme", "remember_me", "lang", "__Host-session"]);
      const value = name === "lang" ? "en" : rng.chars(ALNUM, rng.int(16, 40));
      const secure = rng.chance(0.55);
      const httpOnly = rng.chance(0.5);
      const sameSite = rng.pick([null, null, "Lax", "Strict", "None"]);
      const deleting = rng.chance(0.05);
      let line = `${name}=${deleting ? "deleted" : value}; Path=/`;
      if (rng.chance(0.4)) line += `; Domain=.${new URL(site.origin).hostname.replace(/^www\./, "")}`;
      if (deleting) line += "; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
      else if (rng.chance(0.5)) line += `; Max-Age=${rng.pick([3600, 86400, 2592000])}`;
      if (secure) line += "; Secure";
      if (httpOnly) line += "; HttpOnly";
      if (sameSite) line += `; SameSite=${sameSite}`;
      hs.push(h("Set-Cookie", line));
      cookies.push({ name, value: deleting ? "deleted" : value, path: "/", httpOnly, secure, ...(sameSite ? { sameSite } : {}) });
    }
    return { hs, cookies };
  }

  function cors(site, reqOrigin) {
    const hs = [];
    const mode = rng.weighted([["none", 5], ["star", 3], ["star-cred", 1], ["reflect-cred", 1], ["null", 0.3], ["fixed", 2]]);
    if (mode === "none") return hs;
    if (mode === "star") hs.push(h("Access-Control-Allow-Origin", "*"));
    if (mode === "star-cred") hs.push(h("Access-Control-Allow-Origin", "*"), h("Access-Control-Allow-Credentials", "true"));
    if (mode === "reflect-cred") hs.push(h("Access-Control-Allow-Origin", reqOrigin), h("Access-Control-Allow-Credentials", "true"), h("Vary", "Origin"));
    if (mode === "null") hs.push(h("Access-Control-Allow-Origin", "null"), h("Access-Control-Allow-Credentials", "true"));
    if (mode === "fixed") hs.push(h("Access-Control-Allow-Origin", site.origin), h("Vary", "Origin"));
    if (rng.chance(0.5)) hs.push(h("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"));
    if (rng.chance(0.3)) hs.push(h("Access-Control-Allow-Headers", "Authorization, Content-Type"));
    return hs;
  }

  function sensitiveQuery() {
    if (!rng.chance(0.12)) return "";
    const p = rng.pick(["token", "access_token", "password", "api_key", "apikey", "session", "secret", "auth"]);
    const v = p === "access_token" && rng.chance(0.5) ? fakeJwt() : p === "api_key" && rng.chance(0.3) ? fakeAwsKeyId() : rng.chars(ALNUM, 24);
    return `${p}=${v}`;
  }

  function htmlBody(site, title) {
    const parts = [`<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>`];
    parts.push(`<link rel="stylesheet" href="${site.cdn}/css/site.${rng.chars(HEX, 8)}.css">`);
    parts.push(`<script src="${site.cdn}/js/app.${rng.chars(HEX, 8)}.js" defer></script></head><body>`);
    parts.push(`<header><nav>${Array.from({ length: rng.int(3, 8) }, () => `<a href="/${slug()}">${words(2)}</a>`).join(" ")}</nav></header><main>`);
    for (let i = 0, n = rng.int(3, 30); i < n; i++) parts.push(`<section><h2>${words(rng.int(2, 5))}</h2><p>${words(rng.int(20, 120))}</p></section>`);
    if (rng.chance(0.4)) parts.push(`<form method="post" action="${rng.chance(0.2) ? "http://" + new URL(site.origin).host : ""}/login"><input name="username"><input type="password" name="password"><input type="hidden" name="csrf" value="${rng.chars(HEX, 32)}"></form>`);
    if (rng.chance(0.25)) parts.push(`<script>window.__CONFIG__ = ${JSON.stringify({ apiBase: site.api, release: rng.chars(HEX, 7), debug: rng.chance(0.3) })};</script>`);
    if (rng.chance(0.04)) parts.push(`<!-- TODO remove before release: aws_access_key_id=${fakeAwsKeyId()} aws_secret_access_key=${fakeAwsSecret()} -->`);
    if (rng.chance(0.03)) parts.push(`<!-- deploy key\n${fakePem()}\n-->`);
    if (rng.chance(0.1)) parts.push(`<script src="http://cdn.thirdparty.example/lib-${rng.int(1, 3)}.${rng.int(0, 9)}.js"></script>`);
    parts.push(`</main><footer>${words(10)}</footer></body></html>`);
    return parts.join("\n");
  }

  function jsBody() {
    const parts = [`/*! app bundle ${rng.chars(HEX, 8)} */`, `"use strict";`];
    for (let i = 0, n = rng.int(5, 60); i < n; i++) {
      const fn = `${rng.pick(WORDS)}_${rng.chars(HEX, 4)}`;
      parts.push(`function ${fn}(a,b){var c=a+b;if(c>${rng.int(1, 999)}){return "${words(3)}"}return c*${rng.int(2, 9)}}`);
    }
    if (rng.chance(0.06)) parts.push(`var AWS_CONFIG={accessKeyId:"${fakeAwsKeyId()}",secretAccessKey:"${fakeAwsSecret()}",region:"eu-west-1"};`);
    if (rng.chance(0.05)) parts.push(`const STATIC_TOKEN = "${fakeJwt()}";`);
    if (rng.chance(0.04)) parts.push(`var apiKey = "sk_live_${rng.chars(ALNUM, 24)}";`);
    if (rng.chance(0.05)) parts.push(`document.getElementById("out").innerHTML = location.hash.slice(1); eval(window.name);`);
    parts.push(`//# sourceMappingURL=app.js.map`);
    return parts.join("\n");
  }

  function jsonBody(path) {
    const obj = { status: "ok", path, requestId: rng.chars(HEX, 16), items: [] };
    for (let i = 0, n = rng.int(0, 25); i < n; i++) {
      obj.items.push({ id: rng.int(1, 1e6), name: words(2), price: rng.int(100, 99999) / 100, tags: [rng.pick(WORDS), rng.pick(WORDS)] });
    }
    if (rng.chance(0.1)) obj.user = { id: rng.int(1, 99999), email: `${rng.pick(WORDS)}.${rng.pick(WORDS)}@example.com`, phone: `+1-555-${rng.int(100, 999)}-${rng.int(1000, 9999)}` };
    if (rng.chance(0.08)) obj.access_token = fakeJwt();
    if (rng.chance(0.03)) obj.debug = { awsAccessKeyId: fakeAwsKeyId(), awsSecretAccessKey: fakeAwsSecret() };
    if (rng.chance(0.02)) obj.privateKey = fakePem();
    return JSON.stringify(obj, null, rng.chance(0.5) ? 2 : 0);
  }

  function stackTrace() {
    const kind = rng.pick(["java", "node", "python", "php", "dotnet"]);
    const cls = rng.pick(["OrderService", "UserController", "PaymentGateway", "ReportExporter"]);
    if (kind === "java") {
      return `java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null\n` +
        Array.from({ length: rng.int(5, 25) }, (_, i) => `\tat com.example.app.${cls}.${rng.pick(WORDS)}(${cls}.java:${rng.int(10, 900)})`).join("\n") +
        `\n\tat org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:193)`;
    }
    if (kind === "node") {
      return `TypeError: Cannot read properties of undefined (reading '${rng.pick(WORDS)}')\n` +
        Array.from({ length: rng.int(4, 15) }, () => `    at ${cls}.${rng.pick(WORDS)} (/srv/app/src/${rng.pick(WORDS)}.js:${rng.int(1, 500)}:${rng.int(1, 80)})`).join("\n") +
        `\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)`;
    }
    if (kind === "python") {
      return `Traceback (most recent call last):\n` +
        Array.from({ length: rng.int(3, 10) }, () => `  File "/usr/lib/python3/dist-packages/app/${rng.pick(WORDS)}.py", line ${rng.int(1, 700)}, in ${rng.pick(WORDS)}\n    return self.${rng.pick(WORDS)}(**kwargs)`).join("\n") +
        `\npsycopg2.errors.UndefinedColumn: column "${rng.pick(WORDS)}" does not exist`;
    }
    if (kind === "php") {
      return `<b>Fatal error</b>: Uncaught PDOException: SQLSTATE[42S22]: Column not found in /var/www/html/${rng.pick(WORDS)}.php:${rng.int(10, 400)}\nStack trace:\n#0 /var/www/html/index.php(${rng.int(1, 99)}): PDO->query('SELECT * FROM u...')\n#1 {main}`;
    }
    return `System.InvalidOperationException: Sequence contains no elements\n   at System.Linq.Enumerable.First[TSource](IEnumerable\`1 source)\n   at Example.Web.Controllers.${cls}.Index() in C:\\build\\src\\Controllers\\${cls}.cs:line ${rng.int(10, 300)}`;
  }

  function imageBody() {
    const kind = rng.weighted([["png", 4], ["jpeg", 3], ["gif", 1], ["webp", 1], ["woff2", 1]]);
    const size = rng.weighted([[rng.int(100, 1500), 5], [rng.int(1500, 12000), 4], [rng.int(12000, 40000), 1]]);
    const magic = {
      png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      jpeg: [0xff, 0xd8, 0xff, 0xe0],
      gif: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
      webp: [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
      woff2: [0x77, 0x4f, 0x46, 0x32],
    }[kind];
    const buf = Buffer.concat([Buffer.from(magic), rng.bytes(size)]);
    const mime = kind === "woff2" ? "font/woff2" : `image/${kind}`;
    return { mime, text: buf.toString("base64"), size: buf.length, ext: kind === "jpeg" ? "jpg" : kind };
  }

  let pageId = 0;
  let currentPage = null;
  let site = sites[0];

  for (let i = 0; i < count; i++) {
    // A new page every ~15-40 entries, on a random site.
    if (currentPage === null || rng.chance(1 / 25)) {
      site = rng.pick(sites);
      currentPage = `page_${++pageId}`;
      pages.push({ startedDateTime: new Date(clock).toISOString(), id: currentPage, title: `${site.origin}/${slug()}`, pageTimings: { onContentLoad: rng.int(200, 3000), onLoad: rng.int(300, 6000) } });
    }
    clock += rng.int(1, 400);

    const kind = rng.weighted([["html", 8], ["json", 25], ["post", 8], ["script", 12], ["css", 5], ["image", 22], ["redirect", 7], ["error4", 6], ["error5", 4], ["options", 3]]);
    const reqOrigin = rng.chance(0.7) ? site.origin : rng.pick(["https://evil.example", "http://localhost:3000", site.origin.replace("www", "admin")]);
    const reqHeaders = [h("Host", ""), h("User-Agent", ua), h("Accept-Language", "en-US,en;q=0.9")];
    const reqCookies = [];
    if (rng.chance(0.6)) {
      reqHeaders.push(h("Cookie", `sessionid=${sessionId}; _ga=GA1.2.${rng.int(1e8, 9e8)}.${rng.int(1e9, 2e9)}`));
      reqCookies.push({ name: "sessionid", value: sessionId }, { name: "_ga", value: "GA1.2" });
    }
    let method = "GET";
    let url;
    let status = 200;
    let statusText = "OK";
    let mime = "";
    let text = "";
    let encoding;
    let postData;
    let redirectURL = "";
    let resHeaders = [...serverHeaders(site)];
    let resCookies = [];

    const q = sensitiveQuery();
    const withQuery = (u, extra = "") => {
      const params = [extra, q].filter(Boolean).join("&");
      return params ? `${u}?${params}` : u;
    };

    switch (kind) {
      case "html": {
        url = withQuery(`${site.origin}/${slug()}`, rng.chance(0.2) ? `page=${rng.int(1, 20)}` : "");
        mime = "text/html; charset=utf-8";
        text = htmlBody(site, words(3));
        reqHeaders.push(h("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
        resHeaders.push(...securityHeaders(site, true));
        const c = setCookies(site);
        resHeaders.push(...c.hs);
        resCookies = c.cookies;
        break;
      }
      case "json":
      case "post":
      case "options": {
        const path = `/v${rng.int(1, 3)}/${rng.pick(WORDS)}/${rng.chance(0.5) ? rng.int(1, 99999) : rng.pick(WORDS)}`;
        url = withQuery(`${site.api}${path}`, rng.chance(0.3) ? `limit=${rng.pick([10, 25, 100])}` : "");
        reqHeaders.push(h("Accept", "application/json"), h("Origin", reqOrigin));
        if (rng.chance(0.3)) reqHeaders.push(h("Authorization", `Bearer ${fakeJwt()}`));
        if (kind === "options") {
          method = "OPTIONS";
          status = 204;
          statusText = "No Content";
          reqHeaders.push(h("Access-Control-Request-Method", rng.pick(["POST", "PUT", "DELETE"])));
        } else {
          if (kind === "post") {
            method = rng.pick(["POST", "POST", "PUT", "PATCH", "DELETE"]);
            const body = rng.chance(0.3)
              ? { username: `${rng.pick(WORDS)}@example.com`, password: rng.chars(ALNUM, 12) }
              : { [rng.pick(WORDS)]: words(3), quantity: rng.int(1, 9), card: rng.chance(0.1) ? `4111 1111 1111 ${rng.int(1000, 9999)}` : undefined };
            if (rng.chance(0.2)) {
              postData = { mimeType: "application/x-www-form-urlencoded", text: "", params: Object.entries(body).filter(([, v]) => v !== undefined).map(([name, value]) => ({ name, value: String(value) })) };
            } else {
              postData = { mimeType: "application/json", text: JSON.stringify(body) };
            }
            reqHeaders.push(h("Content-Type", postData.mimeType));
            if (rng.chance(0.15)) { status = 201; statusText = "Created"; }
          }
          mime = "application/json; charset=utf-8";
          text = jsonBody(path);
          if (rng.chance(0.05)) mime = "text/html"; // wrong content type for JSON
        }
        resHeaders.push(...securityHeaders(site, false), ...cors(site, reqOrigin));
        if (rng.chance(0.2)) resHeaders.push(h("Cache-Control", rng.pick(["no-store", "public, max-age=3600", "private"])));
        if (kind === "post" && rng.chance(0.3)) {
          const c = setCookies(site);
          resHeaders.push(...c.hs);
          resCookies = c.cookies;
        }
        break;
      }
      case "script": {
        url = `${rng.chance(0.8) ? site.cdn : "http://cdn.thirdparty.example"}/js/${rng.pick(WORDS)}.${rng.chars(HEX, 8)}.js`;
        mime = rng.pick(["application/javascript", "text/javascript", "application/javascript; charset=utf-8"]);
        text = jsBody();
        reqHeaders.push(h("Accept", "*/*"), h("Referer", `${site.origin}/`));
        resHeaders.push(...securityHeaders(site, false), h("Cache-Control", "public, max-age=31536000, immutable"));
        if (rng.chance(0.4)) resHeaders.push(h("Access-Control-Allow-Origin", "*"));
        break;
      }
      case "css": {
        url = `${site.cdn}/css/${rng.pick(WORDS)}.${rng.chars(HEX, 8)}.css`;
        mime = "text/css";
        text = Array.from({ length: rng.int(10, 120) }, () => `.${rng.pick(WORDS)}-${rng.chars(HEX, 3)}{margin:${rng.int(0, 20)}px;color:#${rng.chars(HEX, 6)}}`).join("\n");
        reqHeaders.push(h("Accept", "text/css,*/*;q=0.1"));
        resHeaders.push(...securityHeaders(site, false));
        break;
      }
      case "image": {
        const img = imageBody();
        url = `${site.cdn}/img/${slug()}.${img.ext}`;
        mime = img.mime;
        text = img.text;
        encoding = "base64";
        reqHeaders.push(h("Accept", "image/avif,image/webp,*/*"));
        resHeaders.push(h("Cache-Control", "public, max-age=86400"));
        if (rng.chance(0.5)) resHeaders.push(...securityHeaders(site, false));
        break;
      }
      case "redirect": {
        const open = rng.chance(0.25);
        const target = open ? rng.pick(["https://evil.example/phish", "//evil.example", "http://" + new URL(site.origin).host + "/"]) : `${site.origin}/${slug()}`;
        url = open ? `${site.origin}/redirect?next=${encodeURIComponent(target)}` : withQuery(`${site.origin}/${slug()}`);
        [status, statusText] = rng.pick([[301, "Moved Permanently"], [302, "Found"], [303, "See Other"], [307, "Temporary Redirect"], [308, "Permanent Redirect"]]);
        redirectURL = target;
        resHeaders.push(h("Location", target));
        mime = "text/html";
        text = rng.chance(0.5) ? `<html><body>Redirecting to <a href="${target}">${target}</a></body></html>` : "";
        if (rng.chance(0.3)) {
          const c = setCookies(site);
          resHeaders.push(...c.hs);
          resCookies = c.cookies;
        }
        break;
      }
      case "error4": {
        url = withQuery(`${site.origin}/${slug()}`);
        [status, statusText] = rng.pick([[404, "Not Found"], [403, "Forbidden"], [401, "Unauthorized"], [400, "Bad Request"], [429, "Too Many Requests"]]);
        mime = "text/html; charset=utf-8";
        text = `<html><head><title>${status} ${statusText}</title></head><body><h1>${statusText}</h1><hr><address>${site.server} at ${new URL(site.origin).host} Port 443</address></body></html>`;
        if (status === 401) resHeaders.push(h("WWW-Authenticate", rng.pick(['Basic realm="admin"', 'Bearer realm="api"'])));
        resHeaders.push(...securityHeaders(site, true));
        break;
      }
      case "error5": {
        url = withQuery(`${rng.chance(0.5) ? site.api : site.origin}/${rng.pick(WORDS)}/${rng.int(1, 999)}`);
        [status, statusText] = rng.pick([[500, "Internal Server Error"], [502, "Bad Gateway"], [503, "Service Unavailable"]]);
        const trace = stackTrace();
        if (rng.chance(0.5)) {
          mime = "application/json";
          text = JSON.stringify({ error: statusText, message: trace.split("\n")[0], stack: trace });
        } else {
          mime = "text/html; charset=utf-8";
          text = `<html><body><h1>${statusText}</h1><pre>${trace}</pre></body></html>`;
        }
        resHeaders.push(...securityHeaders(site, false));
        break;
      }
    }

    const u = new URL(url);
    reqHeaders[0].value = u.host;
    if (text !== "" && encoding !== "base64") resHeaders.push(h("Content-Type", mime));
    else if (encoding === "base64") resHeaders.push(h("Content-Type", mime));
    const size = encoding === "base64" ? Buffer.from(text, "base64").length : Buffer.byteLength(text);
    resHeaders.push(h("Content-Length", String(size)));
    if (rng.chance(0.15)) resHeaders.push(h("Via", "1.1 varnish"), h("X-Cache", rng.pick(["HIT", "MISS"])));

    const timings = { blocked: rng.int(0, 20), dns: rng.chance(0.1) ? rng.int(1, 40) : -1, connect: rng.chance(0.1) ? rng.int(5, 80) : -1, send: rng.int(0, 2), wait: rng.int(5, 600), receive: rng.int(0, 200), ssl: -1 };
    const time = Object.values(timings).filter((v) => v > 0).reduce((a, b) => a + b, 0);
    const entry = {
      pageref: currentPage,
      startedDateTime: new Date(clock).toISOString(),
      time,
      request: {
        method, url, httpVersion: rng.pick(["HTTP/1.1", "HTTP/2", "h2", "h3"]),
        cookies: reqCookies, headers: reqHeaders, queryString: qs(url),
        ...(postData ? { postData } : {}),
        headersSize: -1, bodySize: postData ? Buffer.byteLength(postData.text || "") : 0,
      },
      response: {
        status, statusText, httpVersion: "HTTP/1.1",
        cookies: resCookies, headers: resHeaders,
        content: { size, mimeType: mime, ...(text !== "" ? { text } : {}), ...(encoding ? { encoding } : {}) },
        redirectURL, headersSize: -1, bodySize: size,
      },
      cache: {},
      timings,
      serverIPAddress: `192.0.2.${rng.int(1, 254)}`,
    };
    out.push(entry);
  }

  return {
    log: {
      version: "1.2",
      creator: { name: "warden bench/gen-har.mjs", version: "1", comment: `seed=${seed} entries=${count}` },
      browser: { name: "Synthetic", version: "1" },
      pages,
      entries: out,
    },
  };
}

const opts = parseArgs(process.argv.slice(2));
process.stdout.write(JSON.stringify(generate(opts), null, 1) + "\n");
