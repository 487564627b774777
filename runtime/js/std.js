// warden:std, the standard library a Warden plugin may import statically
// (`import { header, bodyText } from "warden:std"`). Plain functions over the
// transaction view's data, with no state: the same module instance serves
// every scan. Documented in docs/plugin-contract.md ("warden:std"); typed in
// plugins/warden.d.ts. Adding an export is a minor version, changing one a
// major version.

export const version = "1.0.0";

// Every value of the header `name` (any case) in a header list, in order.
export function headerValues(headers, name) {
  const wanted = String(name).toLowerCase();
  const out = [];
  for (const h of headers || []) {
    if (h && String(h.name).toLowerCase() === wanted) out.push(String(h.value));
  }
  return out;
}

// The first value of the header `name` (any case), or null when absent.
export function header(headers, name) {
  const wanted = String(name).toLowerCase();
  for (const h of headers || []) {
    if (h && String(h.name).toLowerCase() === wanted) return String(h.value);
  }
  return null;
}

const B64_INDEX = (() => {
  const table = new Int16Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table["-".charCodeAt(0)] = 62;  // the URL-safe alphabet too
  table["_".charCodeAt(0)] = 63;
  return table;
})();

// Base64 (standard or URL-safe) to a byte string: one character (U+0000 to
// U+00FF) per decoded byte. Lenient: padding, whitespace and any character
// outside the alphabet are skipped, as browsers' HAR exporters need.
export function base64Decode(text) {
  text = String(text);
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

// A byte string (as base64Decode returns) read as UTF-8; malformed sequences
// become U+FFFD.
export function utf8Decode(bytes) {
  bytes = String(bytes);
  let out = "";
  for (let i = 0; i < bytes.length;) {
    const b = bytes.charCodeAt(i) & 0xff;
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1; cp = b & 0x1f; min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2; cp = b & 0x0f; min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3; cp = b & 0x07; min = 0x10000;
    } else {
      out += "\ufffd";
      i++;
      continue;
    }
    // The second byte's range rules out overlong forms and surrogates early,
    // so a bad sequence is replaced by one U+FFFD per maximal valid prefix.
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    let j = 1;
    for (; j <= need && i + j < bytes.length; j++) {
      const c = bytes.charCodeAt(i + j) & 0xff;
      if (j === 1 ? c < low || c > high : (c & 0xc0) !== 0x80) break;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (j <= need) {  // cut short: the lead byte and the continuations read so far
      out += "\ufffd";
      i += j;
      continue;
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += "\ufffd";  // overlong or not a scalar value: the lead byte only
      i += 1;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

// The response (or request) body as a string of at most `maxChars`
// characters: text bodies as they are, base64 bodies decoded to a byte string
// (see base64Decode; only as much base64 as `maxChars` bytes need is read).
// "" when there is no body.
export function bodyText(message, maxChars = 1 << 20) {
  const body = message && typeof message.body === "string" ? message.body : "";
  if (body === "") return "";
  if (message.bodyEncoding === "base64") {
    return base64Decode(body.slice(0, Math.ceil(maxChars / 3) * 4));
  }
  return body.length > maxChars ? body.slice(0, maxChars) : body;
}

// The lower-case media type of a response ("text/html"), without parameters;
// from mimeType, else the Content-Type header; "" when neither says.
export function mediaType(response) {
  const value = (response && response.mimeType) || header(response && response.headers,
                                                          "content-type") || "";
  return String(value).split(";")[0].trim().toLowerCase();
}

// One query or form component: "+" is a space, %XX escapes are decoded, and a
// malformed escape leaves the text as it is (with "+" already replaced).
export function decodeComponent(text) {
  const plus = String(text).replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch (e) {
    return plus;
  }
}

// The query of a URL as [name, value] pairs, decoded (decodeComponent), in
// order, at most `max` of them; parts without a name are skipped.
export function queryParams(url, max = 100) {
  url = String(url);
  const out = [];
  const q = url.indexOf("?");
  if (q < 0) return out;
  let query = url.slice(q + 1);
  const hash = query.indexOf("#");
  if (hash >= 0) query = query.slice(0, hash);
  for (const part of query.split("&")) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    if (name === "") continue;
    out.push([decodeComponent(name), eq < 0 ? "" : decodeComponent(part.slice(eq + 1))]);
    if (out.length >= max) break;
  }
  return out;
}

// `text` cut to at most `max` characters, the last one an ellipsis when cut:
// the contract's advice for evidence.
export function clip(text, max = 200) {
  text = String(text);
  return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
}
