// Node.js + isolated-vm, as a user would set it up: one ivm.Isolate per plugin
// with a memory limit, the plugin evaluated as an ES module in its own context,
// a per-call timeout, each transaction passed in as a copy (an ivm.ExternalCopy
// made once per transaction and copied into each isolate; --transfer json sends
// a JSON string the isolate parses, a little slower and twice the RSS here) and
// the findings copied out (JSON). Recycling disposes the
// isolate and builds a new one, reloading the plugin; its cost is timed from
// dispose() until the new isolate is ready to scan.
//
//   node --no-node-snapshot bench/peers/isolated-vm.mjs --plugins DIR --har FILE... \
//        --recycle-every N --repeat K [--mode async|sync] [--transfer json|copy]
//        [--timeout-ms 2000] [--memory-mb 128]
//
// --mode async (default): every plugin has its own loop; calls go through
//   Reference.apply(), which runs the isolate on isolated-vm's thread pool, so
//   plugins scan in parallel on all cores (what a throughput-minded user does).
// --mode sync: Reference.applySync() on the main thread, one scan at a time
//   (async plugin results are then awaited with one extra apply()).
import ivm from "isolated-vm";

import {
  cpuSeconds, emitResult, loadTransactions, nowMs, parseArgs, pluginFiles, readSource, runMain,
  Samples, Tally,
} from "./lib/common.mjs";
import { STD_SOURCE, STD_SPECIFIER } from "./lib/warden-std.mjs";

// Evaluated in the plugin's context after its module: wraps scan() so that one
// string goes in and one string comes out. Returns 0 from __scan when the
// plugin answered with a promise; __await then hands over its settled value.
const BOOTSTRAP = `
"use strict";
const plugin = globalThis.__ns.default;
delete globalThis.__ns;
if (plugin === null || typeof plugin !== "object" || typeof plugin.scan !== "function")
  throw new Error("default export has no scan()");
const decode = (x) => (typeof x === "string" ? JSON.parse(x) : x);
const encode = (r) => (r === undefined ? "null" : JSON.stringify(r));
let pending = null;
globalThis.__id = String(plugin.id);
globalThis.__init = () => (typeof plugin.init === "function" ? Promise.resolve(plugin.init({})).then(() => 0) : 0);
globalThis.__scanSync = (json) => {
  const r = plugin.scan(decode(json));
  if (r !== null && typeof r === "object" && typeof r.then === "function") { pending = r; return 0; }
  return encode(r);
};
globalThis.__await = () => { const p = pending; pending = null; return Promise.resolve(p).then(encode); };
globalThis.__scanAsync = async (json) => encode(await plugin.scan(decode(json)));
`;
const CONSOLE = `globalThis.console = Object.freeze({ log() {}, info() {}, warn() {}, error() {}, debug() {} });`;

class IvmPlugin {
  constructor(file, opts) {
    this.file = file;
    this.source = readSource(file);
    this.opts = opts;
    this.isolate = null;
    this.id = null;
  }

  // warden:std, compiled in the plugin's isolate; every other import is refused.
  resolveImport(isolate, specifier) {
    if (specifier === STD_SPECIFIER) {
      return isolate.compileModuleSync(STD_SOURCE, { filename: STD_SPECIFIER });
    }
    throw new Error(`${this.file}: import of "${specifier}" is not allowed`);
  }

  loadSync() {
    const { memoryMb, timeoutMs } = this.opts;
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    const context = isolate.createContextSync();
    context.evalSync(CONSOLE);
    const mod = isolate.compileModuleSync(this.source, { filename: this.file });
    mod.instantiateSync(context, (s) => this.resolveImport(isolate, s));
    mod.evaluateSync({ timeout: timeoutMs });
    context.global.setSync("__ns", mod.namespace.derefInto());
    context.evalSync(BOOTSTRAP, { timeout: timeoutMs, filename: "bootstrap.js" });
    this.adopt(isolate, context);
    return this.initRef.apply(undefined, [], { timeout: timeoutMs, result: { promise: true } });
  }

  async load() {
    const { memoryMb, timeoutMs } = this.opts;
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    const context = await isolate.createContext();
    await context.eval(CONSOLE);
    const mod = await isolate.compileModule(this.source, { filename: this.file });
    await mod.instantiate(context, (s) => this.resolveImport(isolate, s));
    await mod.evaluate({ timeout: timeoutMs });
    await context.global.set("__ns", mod.namespace.derefInto());
    await context.eval(BOOTSTRAP, { timeout: timeoutMs, filename: "bootstrap.js" });
    this.adopt(isolate, context);
    await this.initRef.apply(undefined, [], { timeout: timeoutMs, result: { promise: true } });
  }

  adopt(isolate, context) {
    this.isolate = isolate;
    this.context = context;
    const g = context.global;
    this.id = g.getSync("__id");
    this.initRef = g.getSync("__init", { reference: true });
    this.scanSyncRef = g.getSync("__scanSync", { reference: true });
    this.awaitRef = g.getSync("__await", { reference: true });
    this.scanAsyncRef = g.getSync("__scanAsync", { reference: true });
  }

  dispose() {
    if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
    this.isolate = null;
  }

  // Sync mode: returns the JSON string, or a promise of it for async plugins.
  scanSync(json) {
    const out = this.scanSyncRef.applySync(undefined, [json], { timeout: this.opts.timeoutMs });
    if (out !== 0) return out;
    return this.awaitRef.apply(undefined, [], { timeout: this.opts.timeoutMs, result: { promise: true } });
  }

  scanAsync(json) {
    return this.scanAsyncRef.apply(undefined, [json], { timeout: this.opts.timeoutMs, result: { promise: true } });
  }
}

runMain(async () => {
  const opts = parseArgs(process.argv.slice(2), { mode: "async", transfer: "copy" });
  if (opts.mode !== "async" && opts.mode !== "sync") throw new Error("--mode is async or sync");
  if (opts.transfer !== "json" && opts.transfer !== "copy") throw new Error("--transfer is json or copy");
  // A transaction's encoding, made once per pass, and the argument handed to each isolate.
  const copy = opts.transfer === "copy";
  const encodeTxn = copy ? (t) => new ivm.ExternalCopy(t) : (t) => JSON.stringify(t);
  const argOf = copy ? (enc) => enc.copyInto() : (enc) => enc;
  const releaseEnc = copy ? (enc) => enc?.release() : () => {};
  const txns = loadTransactions(opts.har);
  const plugins = pluginFiles(opts.plugins).map((f) => new IvmPlugin(f, opts));
  for (const p of plugins) await (opts.mode === "sync" ? p.loadSync() : p.load());
  const ids = plugins.map((p) => p.id);

  const expected = txns.length * plugins.length * opts.repeat;
  const tally = new Tally(ids);
  const latency = new Samples(expected);
  const recycle = new Samples(opts.recycleEvery > 0 ? Math.ceil(expected / opts.recycleEvery) + plugins.length : 1);
  let restarts = 0;

  // After a timeout or an exhausted heap the plugin gets a fresh isolate, as
  // Warden does; a plugin that merely threw keeps its isolate.
  const restartAfterFailure = async (p, err) => {
    const fatal = p.isolate === null || p.isolate.isDisposed || /timed out|disposed|memory/i.test(String(err?.message));
    if (!fatal) return;
    restarts++;
    p.dispose();
    await (opts.mode === "sync" ? p.loadSync() : p.load());
  };
  const recycleOne = async (p) => {
    const s = nowMs();
    p.dispose();
    await (opts.mode === "sync" ? p.loadSync() : p.load());
    recycle.add(nowMs() - s);
  };

  const cpu0 = cpuSeconds();
  const t0 = nowMs();
  if (opts.mode === "sync") {
    const counts = new Array(plugins.length).fill(0);
    for (let r = 0; r < opts.repeat; r++) {
      for (const txn of txns) {
        const enc = encodeTxn(txn);
        for (let i = 0; i < plugins.length; i++) {
          const p = plugins[i];
          const s = nowMs();
          try {
            let out = p.scanSync(argOf(enc));
            if (typeof out !== "string") out = await out;
            latency.add(nowMs() - s);
            tally.accept(p.id, txn.id, JSON.parse(out));
          } catch (e) {
            latency.add(nowMs() - s);
            tally.fail(p.id, txn.id, e);
            await restartAfterFailure(p, e);
          }
          if (opts.recycleEvery > 0 && ++counts[i] % opts.recycleEvery === 0) await recycleOne(p);
        }
        releaseEnc(enc);
      }
    }
  } else {
    // One JSON encoding per transaction per pass, shared by the plugin loops.
    const json = new Array(txns.length);
    const jsonPass = new Int32Array(txns.length).fill(-1);
    const loop = async (p) => {
      let count = 0;
      for (let r = 0; r < opts.repeat; r++) {
        for (let t = 0; t < txns.length; t++) {
          if (jsonPass[t] !== r) {
            releaseEnc(json[t]);
            json[t] = encodeTxn(txns[t]);
            jsonPass[t] = r;
          }
          const s = nowMs();
          try {
            const out = await p.scanAsync(argOf(json[t]));
            latency.add(nowMs() - s);
            tally.accept(p.id, txns[t].id, JSON.parse(out));
          } catch (e) {
            latency.add(nowMs() - s);
            tally.fail(p.id, txns[t].id, e);
            await restartAfterFailure(p, e);
          }
          if (opts.recycleEvery > 0 && ++count % opts.recycleEvery === 0) await recycleOne(p);
        }
      }
    };
    await Promise.all(plugins.map(loop));
    json.forEach(releaseEnc);
  }
  const seconds = (nowMs() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  for (const p of plugins) p.dispose();
  emitResult(opts.mode === "sync" ? "isolated-vm-sync" : "isolated-vm", {
    expected, seconds, cpu, latency, recycle, tally,
    extra: { plugins: plugins.length, transactions: txns.length, restarts, mode: opts.mode, transfer: opts.transfer, memory_mb: opts.memoryMb, timeout_ms: opts.timeoutMs },
  });
});
