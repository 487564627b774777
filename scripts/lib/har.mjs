// HAR 1.2 file -> plugin-contract transactions, for the Node.js dev tools and
// bench peers. Mirrors runtime/har_reader.cpp (the C++ reader is the reference).
import { readFileSync } from "node:fs";

// application/x-www-form-urlencoded, byte for byte as runtime/har_reader.cpp:
// alphanumerics and *-._ stay, space becomes +, every other UTF-8 byte is %XX.
function formComponent(text) {
  let out = "";
  for (const byte of Buffer.from(String(text ?? ""), "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9*\-._]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function formEncode(params) {
  return (params || []).map((p) => `${formComponent(p.name)}=${formComponent(p.value)}`).join("&");
}

function headers(list) {
  return (Array.isArray(list) ? list : []).map((h) => ({
    name: String(h?.name ?? ""),
    value: String(h?.value ?? ""),
  }));
}

// One HAR entry -> one transaction (plugin contract, "The transaction").
export function entryToTransaction(entry, id) {
  const req = entry.request ?? {};
  const res = entry.response ?? {};
  const content = res.content ?? {};
  let body = null;
  if (req.postData) {
    const text = req.postData.text;
    body = typeof text === "string" && text !== "" ? text : formEncode(req.postData.params);
  }
  return {
    id: String(id),
    startedDateTime: String(entry.startedDateTime ?? ""),
    request: {
      method: String(req.method ?? ""),
      url: String(req.url ?? ""),
      httpVersion: String(req.httpVersion ?? ""),
      headers: headers(req.headers),
      body,
    },
    response: {
      status: Number.isFinite(Number(res.status)) ? Number(res.status) : 0,
      statusText: String(res.statusText ?? ""),
      httpVersion: String(res.httpVersion ?? ""),
      headers: headers(res.headers),
      mimeType: String(content.mimeType ?? ""),
      body: typeof content.text === "string" ? content.text : "",
      bodyEncoding: content.encoding === "base64" ? "base64" : "",
    },
  };
}

// Reads a whole HAR file (BOM tolerated) into an array of transactions.
export function readHarTransactions(path, idPrefix = "") {
  let text = readFileSync(path, "utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const har = JSON.parse(text);
  const entries = har?.log?.entries;
  if (!Array.isArray(entries)) throw new Error(`${path}: log.entries is not an array`);
  return entries.map((e, i) => entryToTransaction(e, `${idPrefix}${i}`));
}
