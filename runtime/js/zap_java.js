// The Java classes a ZAP passive script reaches, rebuilt in JavaScript inside
// the plugin's isolate: collections that print and iterate as Java's do,
// java.util.Locale, java.lang.Integer and System, java.net.InetAddress (literal
// addresses only: there is no name resolution), commons-codec Base64, ZAP's
// Alert, HistoryReference, PluginPassiveScanner and ScanRuleMetadata, reached
// through Java.type(name) or the java/org package globals, plus the global
// print() and String.prototype.contains that Nashorn and Graal scripts expect.
// Evaluates to a function (std, parseYaml) that installs all of that in the
// calling realm and returns the pieces the message and adapter scripts use.
(function zapJava(std, parseYaml) {
  "use strict";

  class JavaException extends Error {
    constructor(javaClass, message) {
      super(message === null ? javaClass : javaClass + ": " + message);
      this.name = javaClass;
      this.javaMessage = message;
    }
    getMessage() { return this.javaMessage; }
  }
  const thrown = (javaClass, message) => { throw new JavaException(javaClass, message); };

  const javaString = (value) => (value === null || value === undefined ? "null" : String(value));

  function javaIterator(items) {
    let i = 0;
    return {
      hasNext: () => i < items.length,
      next: () => (i < items.length ? items[i++] : thrown("java.util.NoSuchElementException", null)),
    };
  }
  const itemsOf = (c) => (c instanceof JavaSet ? c.toArray() : Array.from(c || []));

  // java.util.List: also a JS array (index, length, slice...), as Graal shows
  // Java lists; what slice or map return are plain arrays.
  class JavaList extends Array {
    static get [Symbol.species]() { return Array; }
    static of(items) {
      const list = new JavaList();
      for (const item of items) list.push(item);
      return list;
    }
    size() { return this.length; }
    get(i) {
      if (!(i >= 0 && i < this.length)) {
        thrown("java.lang.IndexOutOfBoundsException",
               "Index " + i + " out of bounds for length " + this.length);
      }
      return this[i];
    }
    isEmpty() { return this.length === 0; }
    contains(value) { return this.includes(value); }
    add(value) { this.push(value); return true; }
    addAll(other) { for (const v of itemsOf(other)) this.push(v); return true; }
    toArray() { return Array.from(this); }
    iterator() { return javaIterator(this); }
    stream() { return Array.from(this); }
    toString() { return "[" + Array.from(this, javaString).join(", ") + "]"; }
  }

  // java.util.Set (ZAP's TreeSets and HashSets): iterable with for-of,
  // iterator() or forEach, never indexable.
  class JavaSet {
    #items;
    constructor(items) { this.#items = Array.from(items); }
    size() { return this.#items.length; }
    isEmpty() { return this.#items.length === 0; }
    contains(value) { return this.#items.includes(value); }
    toArray() { return Array.from(this.#items); }
    iterator() { return javaIterator(this.#items); }
    forEach(consumer) { for (const v of this.#items) consumer(v); }
    first() {
      return this.#items.length ? this.#items[0] : thrown("java.util.NoSuchElementException", null);
    }
    [Symbol.iterator]() { return this.#items[Symbol.iterator](); }
    toString() { return "[" + this.#items.map(javaString).join(", ") + "]"; }
  }

  const Locale = Object.freeze({
    ROOT: Object.freeze({ toString: () => "" }),
    ENGLISH: Object.freeze({ toString: () => "en" }),
    US: Object.freeze({ toString: () => "en_US" }),
    getDefault() { return Locale.ROOT; },
  });

  const INT_MIN = -2147483648;
  const INT_MAX = 2147483647;
  const Integer = Object.freeze({
    MAX_VALUE: INT_MAX,
    MIN_VALUE: INT_MIN,
    parseInt(text, radix = 10) {
      if (text === null || text === undefined) {
        thrown("java.lang.NumberFormatException", "Cannot parse null string: null");
      }
      const s = String(text);
      const bad = () => thrown("java.lang.NumberFormatException", 'For input string: "' + s + '"' +
                                   (radix === 10 ? "" : " under radix " + radix));
      const m = /^([+-]?)([0-9a-zA-Z]+)$/.exec(s);
      if (!m) bad();
      let value = 0;
      for (const ch of m[2]) {
        const digit = parseInt(ch, 36);
        if (!(digit < radix)) bad();
        value = value * radix + digit;
        if (value > INT_MAX + 1) bad();
      }
      value = m[1] === "-" ? -value : value;
      if (value < INT_MIN || value > INT_MAX) bad();
      return value === 0 ? 0 : value;  // never -0
    },
    valueOf(text, radix = 10) { return Integer.parseInt(text, radix); },
    toString(value, radix = 10) { return (Number(value) | 0).toString(radix); },
    toHexString(value) { return (Number(value) >>> 0).toString(16); },
    toOctalString(value) { return (Number(value) >>> 0).toString(8); },
    toBinaryString(value) { return (Number(value) >>> 0).toString(2); },
  });

  // No host facts leak: only the separators a script may build text with.
  const PROPERTIES = { "line.separator": "\n", "file.separator": "/", "path.separator": ":" };
  const System = Object.freeze({
    getProperty(key, fallback = null) {
      return Object.prototype.hasOwnProperty.call(PROPERTIES, key) ? PROPERTIES[key] : fallback;
    },
    lineSeparator: () => "\n",
    currentTimeMillis: () => Date.now(),
  });

  // --- java.net.InetAddress, for literal IPv4 and IPv6 addresses ---
  function parseIpv4(text) {
    // Java's literal forms: a.b.c.d, a.b.c (c: 16 bits), a.b (b: 24 bits), a (32 bits).
    if (!/^\d+(\.\d+){0,3}$/.test(text)) return null;
    const parts = text.split(".").map(Number);
    const bytes = [];
    const last = parts.pop();
    for (const p of parts) {
      if (p > 255) return null;
      bytes.push(p);
    }
    const width = 4 - bytes.length;
    if (last >= 2 ** (8 * width)) return null;
    for (let i = width - 1; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
    return bytes;
  }
  function parseIpv6(text) {
    if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
    const zone = text.indexOf("%");
    if (zone >= 0) text = text.slice(0, zone);
    if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return null;
    const halves = text.split("::");
    if (halves.length > 2) return null;
    const groups = (half) => {
      if (half === "") return [];
      const out = [];
      const pieces = half.split(":");
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i];
        if (i === pieces.length - 1 && piece.includes(".")) {
          const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(piece) ? parseIpv4(piece) : null;
          if (!v4) return null;
          out.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
        } else {
          if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
          out.push(parseInt(piece, 16));
        }
      }
      return out;
    };
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    if (!head || !tail) return null;
    const missing = 8 - head.length - tail.length;
    if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
    const all = head.concat(new Array(missing).fill(0), tail);
    const bytes = [];
    for (const g of all) bytes.push(g >> 8, g & 0xff);
    return bytes;
  }
  const signed = (b) => (b > 127 ? b - 256 : b);
  class InetAddressValue {
    #bytes;
    constructor(bytes) { this.#bytes = bytes; }
    getAddress() { return this.#bytes.map(signed); }
    getHostAddress() {
      const b = this.#bytes;
      if (b.length === 4) return b.join(".");
      const groups = [];
      for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
      return groups.join(":");
    }
    getHostName() { return this.getHostAddress(); }
    isSiteLocalAddress() {
      const b = this.#bytes;
      if (b.length === 4) {
        return b[0] === 10 || (b[0] === 172 && (b[1] & 0xf0) === 16) || (b[0] === 192 && b[1] === 168);
      }
      return b[0] === 0xfe && (b[1] & 0xc0) === 0xc0;
    }
    isLoopbackAddress() {
      const b = this.#bytes;
      return b.length === 4 ? b[0] === 127 : b.every((x, i) => x === (i === 15 ? 1 : 0));
    }
    isLinkLocalAddress() {
      const b = this.#bytes;
      return b.length === 4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
    }
    isAnyLocalAddress() { return this.#bytes.every((x) => x === 0); }
    isMulticastAddress() {
      const b = this.#bytes;
      return b.length === 4 ? (b[0] & 0xf0) === 0xe0 : b[0] === 0xff;
    }
    equals(other) {
      return other instanceof InetAddressValue && other.getHostAddress() === this.getHostAddress();
    }
    toString() { return "/" + this.getHostAddress(); }
  }
  const InetAddress = Object.freeze({
    getByName(host) {
      const text = host === null || host === undefined ? "" : String(host);
      if (text === "" || text.toLowerCase() === "localhost") {
        return new InetAddressValue([127, 0, 0, 1]);
      }
      let bytes = parseIpv4(text);
      if (!bytes) {
        bytes = parseIpv6(text);
        // An IPv4-mapped IPv6 address is an IPv4 address to Java.
        if (bytes && bytes.slice(0, 10).every((x) => x === 0) && bytes[10] === 255 &&
            bytes[11] === 255) {
          bytes = bytes.slice(12);
        }
      }
      if (!bytes) {
        thrown("java.net.UnknownHostException",
               text + ": no name resolution in Warden (literal addresses only)");
      }
      return new InetAddressValue(bytes);
    },
  });

  // --- commons-codec Base64 ---
  const BASE64_CHAR = /^[A-Za-z0-9+/\-_=\s]*$/;
  const toByteString = (data) =>
      typeof data === "string" ? data : String.fromCharCode(...Array.from(data, (b) => b & 0xff));
  const Base64 = Object.freeze({
    isBase64(data) {
      if (typeof data === "string") return BASE64_CHAR.test(data);
      return Array.from(data || []).every((b) => BASE64_CHAR.test(String.fromCharCode(b & 0xff)));
    },
    decodeBase64(data) {
      return Array.from(std.base64Decode(toByteString(data)), (c) => signed(c.charCodeAt(0)));
    },
    encodeBase64String(bytes) {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const b = Array.from(toByteString(bytes), (c) => c.charCodeAt(0));
      let out = "";
      for (let i = 0; i < b.length; i += 3) {
        const n = (b[i] << 16) | ((b[i + 1] || 0) << 8) | (b[i + 2] || 0);
        out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] +
               (i + 1 < b.length ? alphabet[(n >> 6) & 63] : "=") +
               (i + 2 < b.length ? alphabet[n & 63] : "=");
      }
      return out;
    },
  });

  const Alert = Object.freeze({
    RISK_INFO: 0, RISK_LOW: 1, RISK_MEDIUM: 2, RISK_HIGH: 3,
    CONFIDENCE_FALSE_POSITIVE: 0, CONFIDENCE_LOW: 1, CONFIDENCE_MEDIUM: 2, CONFIDENCE_HIGH: 3,
    CONFIDENCE_USER_CONFIRMED: 4,
    MSG_RISK: Object.freeze(["Informational", "Low", "Medium", "High"]),
    MSG_CONFIDENCE: Object.freeze(["False Positive", "Low", "Medium", "High", "Confirmed"]),
  });

  const HistoryReference = Object.freeze({
    TYPE_TEMPORARY: 0, TYPE_PROXIED: 1, TYPE_MANUAL: 1, TYPE_SPIDER: 2, TYPE_SCANNER: 3,
    TYPE_HIDDEN: 6, TYPE_BRUTE_FORCE: 7, TYPE_FUZZER: 8, TYPE_SPIDER_TASK: 9,
    TYPE_SPIDER_AJAX: 10, TYPE_AUTHENTICATION: 11, TYPE_ZEST_SCRIPT: 12, TYPE_ACCESS_CONTROL: 13,
    TYPE_SCANNER_TEMPORARY: 14, TYPE_ZAP_USER: 15, TYPE_PROXY_CONNECT: 16,
    TYPE_CLIENT_SPIDER: 24,
  });
  const DEFAULT_HISTORY_TYPES = [1, 15, 2, 10, 24];
  const PluginPassiveScanner = Object.freeze({
    getDefaultHistoryTypes: () => new JavaSet(DEFAULT_HISTORY_TYPES),
  });

  const enumValue = (name, value) => Object.freeze({
    name: () => name, getValue: () => value, ordinal: () => value, toString: () => name,
  });
  const AlertThreshold = Object.freeze({
    OFF: enumValue("OFF", 0), DEFAULT: enumValue("DEFAULT", 1), LOW: enumValue("LOW", 2),
    MEDIUM: enumValue("MEDIUM", 3), HIGH: enumValue("HIGH", 4),
  });

  // --- ScanRuleMetadata.fromYaml: the YAML parsed natively (yaml-cpp) ---
  const RISKS = ["INFO", "LOW", "MEDIUM", "HIGH"];
  const CONFIDENCES = ["FALSE_POSITIVE", "LOW", "MEDIUM", "HIGH", "USER_CONFIRMED"];
  const choice = (field, names, text) => {
    if (text === null || text === undefined) return null;
    const index = names.indexOf(String(text).toUpperCase());
    if (index < 0) {
      thrown("java.lang.IllegalArgumentException",
             "metadata " + field + ": '" + text + "' is not one of " + names.join(", "));
    }
    return enumValue(names[index], index);
  };
  const integer = (field, text, fallback) => {
    if (text === null || text === undefined) return fallback;
    if (!/^[+-]?\d{1,10}$/.test(String(text))) {
      thrown("java.lang.IllegalArgumentException", "metadata " + field + " must be an integer");
    }
    return Number(text);
  };
  const textOf = (value) => (value === null || value === undefined ? null : String(value));
  const metadataTag = Symbol("ScanRuleMetadata");
  const ScanRuleMetadata = Object.freeze({
    fromYaml(yaml) {
      const doc = parseYaml(String(yaml));
      if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        thrown("java.lang.IllegalArgumentException", "the YAML metadata is not a mapping");
      }
      const id = integer("id", doc.id, -1);
      if (id === -1 || doc.name === null || doc.name === undefined) {
        thrown("java.lang.IllegalArgumentException",
               "invalid YAML metadata: it needs an id and a name");
      }
      const refs = doc.references;
      const overrides = doc.alertRefOverrides && typeof doc.alertRefOverrides === "object"
                            ? doc.alertRefOverrides : null;
      const meta = {
        [metadataTag]: true,
        getId: () => id,
        getName: () => String(doc.name),
        getDescription: () => textOf(doc.description),
        getSolution: () => textOf(doc.solution),
        getReferences: () => (Array.isArray(refs) ? JavaList.of(refs.map(String)) : null),
        getRisk: () => choice("risk", RISKS, doc.risk),
        getConfidence: () => choice("confidence", CONFIDENCES, doc.confidence),
        getCweId: () => integer("cweId", doc.cweId, 0),
        getWascId: () => integer("wascId", doc.wascId, 0),
        getOtherInfo: () => textOf(doc.otherInfo),
        getStatus: () => textOf(doc.status) || "unknown",
        getCodeLink: () => textOf(doc.codeLink),
        getHelpLink: () => textOf(doc.helpLink),
        getAlertTags: () => doc.alertTags || null,
        getAlertRefOverrides: () => overrides,
      };
      // Checked now, as Jackson would when mapping the YAML.
      meta.getRisk(); meta.getConfidence(); meta.getCweId(); meta.getWascId();
      return Object.freeze(meta);
    },
  });
  const isMetadata = (value) =>
      value !== null && typeof value === "object" && value[metadataTag] === true;

  const CLASSES = {
    "java.util.Locale": Locale,
    "java.lang.Integer": Integer,
    "java.lang.System": System,
    "java.net.InetAddress": InetAddress,
    "org.apache.commons.codec.binary.Base64": Base64,
    "org.parosproxy.paros.core.scanner.Alert": Alert,
    "org.parosproxy.paros.core.scanner.Plugin$AlertThreshold": AlertThreshold,
    "org.parosproxy.paros.model.HistoryReference": HistoryReference,
    "org.zaproxy.zap.extension.pscan.PluginPassiveScanner": PluginPassiveScanner,
    "org.zaproxy.addon.commonlib.scanrules.ScanRuleMetadata": ScanRuleMetadata,
  };
  const Java = Object.freeze({
    type(name) {
      if (Object.prototype.hasOwnProperty.call(CLASSES, name)) return CLASSES[name];
      throw new TypeError("Java.type: " + name + " is not available to ZAP scripts in Warden " +
                          "(see the ZAP API table in docs/plugin-contract.md)");
    },
  });
  // java.net.InetAddress as a package path: nested frozen objects.
  const packages = {};
  for (const name of Object.keys(CLASSES)) {
    const parts = name.replace("$", ".").split(".");
    let node = packages;
    for (const part of parts.slice(0, -1)) node = node[part] || (node[part] = {});
    node[parts[parts.length - 1]] = CLASSES[name];
  }
  const deepFreeze = (o) => {
    for (const v of Object.values(o)) Object.isFrozen(v) || deepFreeze(v);
    return Object.freeze(o);
  };
  deepFreeze(packages);

  const define = (name, value) => Object.defineProperty(globalThis, name, {
    value, writable: true, enumerable: false, configurable: true,
  });
  define("Java", Java);
  define("java", packages.java);
  define("org", packages.org);
  define("print", (...args) => console.log(...args));
  Object.defineProperty(String.prototype, "contains", {
    value: function contains(text) { return String.prototype.includes.call(this, String(text)); },
    writable: true, enumerable: false, configurable: true,
  });

  return { JavaList, JavaSet, JavaException, thrown, isMetadata, AlertThreshold };
})
