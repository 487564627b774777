// Shared by the Node.js peer runners (plain-node, isolated-vm, piscina): argument
// parsing, plugin and HAR loading, finding normalisation and the digest, latency
// statistics and the one JSON result line that bench/compare.mjs reads.
// Every runner uses these so the peers differ only in how they isolate plugins.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

import { readHarTransactions } from "../../../scripts/lib/har.mjs";

export const SEVERITIES = new Set(["info", "low", "medium", "high", "critical"]);
export const MAX_FINDINGS_PER_SCAN = 1000;

export function parseArgs(argv, extra = {}) {
  const opts = { plugins: null, har: [], recycleEvery: 0, repeat: 1, timeoutMs: 2000, memoryMb: 128, ...extra };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case "--plugins": opts.plugins = value(); break;
      case "--har":
        // --har takes one or more files, up to the next --flag.
        while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) opts.har.push(argv[++i]);
        break;
      case "--recycle-every": opts.recycleEvery = Number(value()); break;
      case "--repeat": opts.repeat = Number(value()); break;
      case "--timeout-ms": opts.timeoutMs = Number(value()); break;
      case "--memory-mb": opts.memoryMb = Number(value()); break;
      default: {
        const key = a.replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
        if (a.startsWith("--") && key in extra) opts[key] = value();
        else throw new Error(`unknown argument: ${a}`);
      }
    }
  }
  if (!opts.plugins) throw new Error("--plugins DIR is required");
  if (opts.har.length === 0) throw new Error("--har FILE... is required");
  if (!Number.isInteger(opts.recycleEvery) || opts.recycleEvery < 0) throw new Error("--recycle-every must be an integer >= 0");
  if (!Number.isInteger(opts.repeat) || opts.repeat < 1) throw new Error("--repeat must be an integer >= 1");
  return opts;
}

// Plugin files of a directory, sorted by name so every runner sees the same order.
export function pluginFiles(dir) {
  const files = readdirSync(dir)
    .filter((f) => /\.(m?js)$/.test(f))
    .sort()
    .map((f) => resolve(join(dir, f)));
  if (files.length === 0) throw new Error(`${dir}: no plugin (*.js, *.mjs)`);
  return files;
}

export function readSource(file) {
  return readFileSync(file, "utf8");
}

// Transaction ids are "<har file name>:<entry index>", unique over the run and
// the same in every runner (C++ runners must use the same scheme).
export function loadTransactions(harFiles) {
  const txns = [];
  for (const f of harFiles) txns.push(...readHarTransactions(f, `${basename(f)}:`));
  return txns;
}

// Plugins must not write to our stdout (the result line lives there) and their
// logging should not cost the host more in one runner than another: dropped.
export function silenceConsole(target = globalThis.console) {
  for (const m of ["log", "info", "warn", "error", "debug", "trace", "dir"]) target[m] = () => {};
}

// Checks one scan result against the contract; returns the normalised finding
// lines or throws (the scan then counts as an error, none of its findings count).
export function normaliseFindings(result, pluginId, txnId) {
  if (!Array.isArray(result)) throw new Error(`${pluginId}: scan returned ${result === null ? "null" : typeof result}, not an array`);
  if (result.length > MAX_FINDINGS_PER_SCAN) throw new Error(`${pluginId}: ${result.length} findings > ${MAX_FINDINGS_PER_SCAN}`);
  const lines = new Array(result.length);
  for (let i = 0; i < result.length; i++) {
    const f = result[i];
    if (f === null || typeof f !== "object") throw new Error(`${pluginId}: finding ${i} is not an object`);
    if (typeof f.title !== "string" || f.title === "") throw new Error(`${pluginId}: finding ${i} has no title`);
    if (!SEVERITIES.has(f.severity)) throw new Error(`${pluginId}: finding ${i} has bad severity ${f.severity}`);
    lines[i] = `${txnId}\t${pluginId}\t${f.title}\t${f.severity}`;
  }
  return lines;
}

// Collects what the run found, per plugin, and the outcome of every scan.
export class Tally {
  constructor(pluginIds) {
    this.lines = new Map(pluginIds.map((id) => [id, []]));
    this.ok = 0;
    this.errors = 0;
    this.errorSamples = [];
  }
  accept(pluginId, txnId, result) {
    let lines;
    try {
      lines = normaliseFindings(result, pluginId, txnId);
    } catch (e) {
      this.fail(pluginId, txnId, e);
      return;
    }
    const into = this.lines.get(pluginId);
    for (const l of lines) into.push(l);
    this.ok++;
  }
  fail(pluginId, txnId, err) {
    this.errors++;
    if (this.errorSamples.length < (Number(process.env.WARDEN_BENCH_ERROR_SAMPLES) || 5)) this.errorSamples.push(`${pluginId} on ${txnId}: ${String(err?.message ?? err).slice(0, 200)}`);
  }
  // Digest of a multiset of finding lines: sha256 of the lines sorted by their
  // UTF-8 bytes (what a C++ runner's std::sort gives) joined by "\n".
  static digest(lines) {
    const sorted = lines.map((l) => Buffer.from(l, "utf8")).sort(Buffer.compare);
    return createHash("sha256").update(Buffer.from(sorted.join("\n"), "utf8")).digest("hex");
  }
  summary() {
    const byPlugin = {};
    const all = [];
    for (const [id, lines] of [...this.lines].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      byPlugin[id] = { count: lines.length, digest: Tally.digest(lines) };
      for (const l of lines) all.push(l);
    }
    return { findings_digest: Tally.digest(all), findings_by_plugin: byPlugin, findings: all.length };
  }
}

// Latency samples in milliseconds, preallocated.
export class Samples {
  constructor(capacity) {
    this.values = new Float64Array(Math.max(1, capacity));
    this.n = 0;
  }
  add(ms) {
    if (this.n === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = ms;
  }
  percentile(p) {
    if (this.n === 0) return null;
    const sorted = this.values.slice(0, this.n).sort();
    const idx = Math.min(this.n - 1, Math.max(0, Math.ceil((p / 100) * this.n) - 1));
    return round(sorted[idx], 4);
  }
}

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// process.cpuUsage() is getrusage(RUSAGE_SELF): it covers every thread of the
// process, so worker threads (piscina) and isolated-vm's pool threads count.
export function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function round(x, digits = 3) {
  if (x === null || x === undefined || !Number.isFinite(x)) return x ?? null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// Prints the one result line: the whole protocol between a runner and compare.mjs.
export function emitResult(runner, { expected, seconds, cpu, latency, recycle, tally, extra = {} }) {
  const s = tally.summary();
  const scans = tally.ok + tally.errors;
  const result = {
    runner,
    scans,
    seconds: round(seconds, 4),
    scans_per_s: round(scans / seconds, 1),
    cpu_seconds: round(cpu, 4),
    scans_per_cpu_s: round(scans / cpu, 1),
    p50_ms: latency.percentile(50),
    p99_ms: latency.percentile(99),
    recycles: recycle.n,
    recycle_p50_ms: recycle.percentile(50),
    recycle_p99_ms: recycle.percentile(99),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    findings: s.findings,
    findings_digest: s.findings_digest,
    findings_by_plugin: s.findings_by_plugin,
    errors: tally.errors,
    error_samples: tally.errorSamples,
    lost: expected - scans,
    node: process.version,
    ...extra,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

// Runs main() and turns a crash into a non-zero exit with a message on stderr.
export function runMain(main) {
  main().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`${e?.stack ?? e}\n`);
      process.exit(1);
    },
  );
}
