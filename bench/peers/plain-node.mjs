// The unsandboxed baseline: one Node.js process imports every plugin and calls
// scan() directly on one thread, no isolation, no limits, no copies. "Recycle"
// does not apply (there is no isolate to replace); the flag is accepted and ignored.
//
//   node bench/peers/plain-node.mjs --plugins DIR --har FILE... --recycle-every N --repeat K
import { pathToFileURL } from "node:url";

import {
  cpuSeconds, emitResult, loadTransactions, nowMs, parseArgs, pluginFiles, runMain, Samples,
  silenceConsole, Tally,
} from "./lib/common.mjs";
import { registerStdHook } from "./lib/warden-std.mjs";

registerStdHook();

runMain(async () => {
  const opts = parseArgs(process.argv.slice(2));
  const txns = loadTransactions(opts.har);
  const plugins = [];
  for (const file of pluginFiles(opts.plugins)) {
    const mod = await import(pathToFileURL(file).href);
    const p = mod.default;
    if (!p || typeof p.scan !== "function") throw new Error(`${file}: default export has no scan()`);
    plugins.push(p);
  }
  silenceConsole();
  for (const p of plugins) if (typeof p.init === "function") await p.init({});

  const ids = plugins.map((p) => String(p.id));
  const expected = txns.length * plugins.length * opts.repeat;
  const tally = new Tally(ids);
  const latency = new Samples(expected);
  const recycle = new Samples(1);

  const cpu0 = cpuSeconds();
  const t0 = nowMs();
  for (let r = 0; r < opts.repeat; r++) {
    for (const txn of txns) {
      for (let i = 0; i < plugins.length; i++) {
        const s = nowMs();
        try {
          let out = plugins[i].scan(txn);
          if (out !== null && typeof out === "object" && typeof out.then === "function") out = await out;
          latency.add(nowMs() - s);
          tally.accept(ids[i], txn.id, out);
        } catch (e) {
          latency.add(nowMs() - s);
          tally.fail(ids[i], txn.id, e);
        }
      }
    }
  }
  const seconds = (nowMs() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  emitResult("plain-node", { expected, seconds, cpu, latency, recycle, tally, extra: { plugins: plugins.length, transactions: txns.length } });
});
