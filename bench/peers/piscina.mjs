// Node.js + piscina, as a user would set it up: one Piscina pool of one worker
// thread per plugin, with V8 resource limits (maxOldGenerationSizeMb), a
// per-task timeout (AbortSignal.timeout, which makes piscina terminate the
// worker), the transaction passed in by structured clone (--transfer json sends
// a JSON string the worker parses: slower here) and the findings returned by
// structured clone. Every plugin has its own loop, so the
// workers scan in parallel. Recycling destroys the pool and starts a new one;
// its cost is timed from destroy() until the new worker has answered a probe.
//
//   node bench/peers/piscina.mjs --plugins DIR --har FILE... --recycle-every N --repeat K
//        [--transfer json|clone] [--timeout-ms 2000] [--memory-mb 128]
import { Piscina } from "piscina";

import {
  cpuSeconds, emitResult, loadTransactions, nowMs, parseArgs, pluginFiles, runMain, Samples,
  Tally,
} from "./lib/common.mjs";

const WORKER = new URL("./piscina-worker.mjs", import.meta.url).href;

class PiscinaPlugin {
  constructor(file, opts) {
    this.file = file;
    this.opts = opts;
    this.pool = null;
    this.id = null;
  }

  async start() {
    this.pool = new Piscina({
      filename: WORKER,
      workerData: { plugin: this.file },
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.memoryMb },
    });
    // The probe returns once the worker has imported and initialised the plugin.
    this.id = await this.pool.run(null);
  }

  async stop() {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }

  scan(task) {
    return this.pool.run(task, { signal: AbortSignal.timeout(this.opts.timeoutMs) });
  }
}

runMain(async () => {
  const opts = parseArgs(process.argv.slice(2), { transfer: "clone" });
  if (opts.transfer !== "json" && opts.transfer !== "clone") throw new Error("--transfer is json or clone");
  const txns = loadTransactions(opts.har);
  const plugins = pluginFiles(opts.plugins).map((f) => new PiscinaPlugin(f, opts));
  await Promise.all(plugins.map((p) => p.start()));
  const ids = plugins.map((p) => p.id);

  const expected = txns.length * plugins.length * opts.repeat;
  const tally = new Tally(ids);
  const latency = new Samples(expected);
  const recycle = new Samples(opts.recycleEvery > 0 ? Math.ceil(expected / opts.recycleEvery) + plugins.length : 1);
  let restarts = 0;

  // One encoding per transaction per pass, shared by the plugin loops.
  const tasks = new Array(txns.length);
  const taskPass = new Int32Array(txns.length).fill(-1);
  const loop = async (p) => {
    let count = 0;
    for (let r = 0; r < opts.repeat; r++) {
      for (let t = 0; t < txns.length; t++) {
        if (taskPass[t] !== r) {
          tasks[t] = opts.transfer === "json" ? JSON.stringify(txns[t]) : txns[t];
          taskPass[t] = r;
        }
        const s = nowMs();
        try {
          const out = await p.scan(tasks[t]);
          latency.add(nowMs() - s);
          tally.accept(p.id, txns[t].id, out);
        } catch (e) {
          latency.add(nowMs() - s);
          tally.fail(p.id, txns[t].id, e);
          // A timed-out task (AbortError) or a worker out of memory costs the
          // worker: piscina terminates it and starts a replacement by itself.
          if (e?.name === "AbortError" || /ERR_WORKER|terminat|exited/i.test(`${e?.code} ${e?.message}`)) restarts++;
        }
        if (opts.recycleEvery > 0 && ++count % opts.recycleEvery === 0) {
          const s2 = nowMs();
          await p.stop();
          await p.start();
          recycle.add(nowMs() - s2);
        }
      }
    }
  };

  const cpu0 = cpuSeconds();
  const t0 = nowMs();
  await Promise.all(plugins.map(loop));
  const seconds = (nowMs() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  await Promise.all(plugins.map((p) => p.stop()));
  emitResult("piscina", {
    expected, seconds, cpu, latency, recycle, tally,
    extra: { plugins: plugins.length, transactions: txns.length, restarts, transfer: opts.transfer, memory_mb: opts.memoryMb, timeout_ms: opts.timeoutMs },
  });
});
