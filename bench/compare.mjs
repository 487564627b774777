#!/usr/bin/env node
// Claim (issue #5): Warden scans the same plugins over the same HAR traffic
// faster, and recycles isolates far more cheaply, than the Node.js set-ups users
// pick instead (isolated-vm, piscina) and than plain unsandboxed Node.js, and it
// comes close to the limit (a plain single-thread V8 loop).
//
// This driver runs every runner as a child process on the same workloads, with
// recycling off, every 1,000 and every 100 scans, repeated and interleaved,
// checks that all runners found the same things, and writes the medians:
//   bench/results/results.json   every run and the medians
//   bench/results/results.md     the markdown table
//   bench/results/throughput.png, bench/results/recycle.png (gnuplot)
//
//   bash bench/peers/install.sh && node bench/compare.mjs
//   node bench/compare.mjs --quick                 # one short pass, to keep it alive
//   node bench/compare.mjs --runners plain-node,piscina --recycle 0,100 --runs 5
//
// A runner is a command that takes `--plugins DIR --har FILE... --recycle-every N
// --repeat K` and prints one JSON line (see bench/README.md, "Runner protocol").
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const NODE = process.execPath;

// The runner list: data, so the C++ runners slot in when they are built.
// Tokens: {plugins} {har} (one argument per file) {recycle} {repeat}, and {bin}:
// the C++ build's bin folder (--build-dir, default build/bin).
// `requires`: a path (from the repo root) that must exist, else "not built".
const PROTOCOL = ["--plugins", "{plugins}", "--har", "{har}", "--recycle-every", "{recycle}", "--repeat", "{repeat}"];
const RUNNERS = [
  { name: "warden", group: "warden", argv: ["{bin}/warden-bench-runner", ...PROTOCOL], requires: "{bin}/warden-bench-runner",
    what: "Warden: actor API (scan_stream), real plugin actors and supervisor, default config (work-conserving pools, warm spare)" },
  { name: "warden-no-spare", group: "warden", argv: ["{bin}/warden-bench-runner", "--no-warm-spare", ...PROTOCOL], requires: "{bin}/warden-bench-runner",
    what: "the same without WardenConfig::warm_spare: a recycled worker's replacement loads after its down message" },
  { name: "warden-fixed-pool", group: "warden", argv: ["{bin}/warden-bench-runner", "--fixed-pool", ...PROTOCOL], requires: "{bin}/warden-bench-runner",
    what: "the same with fixed pools (max_workers_per_plugin = the starting count): no growth for a backlog" },
  { name: "v8-loop", group: "limit", argv: ["{bin}/warden-bench-limit", ...PROTOCOL], requires: "{bin}/warden-bench-limit",
    what: "the limit: one engine per plugin, plain loop on one thread, no actors; recycle recreates the isolate on the same thread" },
  { name: "v8-loop-threads", group: "limit", argv: ["{bin}/warden-bench-limit", "--threads", "per-plugin", ...PROTOCOL], requires: "{bin}/warden-bench-limit",
    what: "the limit, one thread per plugin, no actors" },
  { name: "process-per-plugin", group: "limit", argv: ["{bin}/warden-bench-limit", "--process-per-plugin", ...PROTOCOL], requires: "{bin}/warden-bench-limit",
    what: "one OS process per plugin over pipes; recycle kills and respawns the child" },
  { name: "plain-node", group: "node", argv: [NODE, "bench/peers/plain-node.mjs", ...PROTOCOL],
    what: "Node.js importing the plugins, no isolation (recycling n/a)" },
  { name: "isolated-vm", group: "node", argv: [NODE, "--no-node-snapshot", "bench/peers/isolated-vm.mjs", "--mode", "sync", ...PROTOCOL],
    what: "Node.js + isolated-vm, isolate per plugin, applySync on the main thread" },
  { name: "isolated-vm-async", group: "node", argv: [NODE, "--no-node-snapshot", "bench/peers/isolated-vm.mjs", "--mode", "async", ...PROTOCOL],
    what: "Node.js + isolated-vm, isolate per plugin, apply() on ivm's thread pool, plugins in parallel" },
  { name: "piscina", group: "node", argv: [NODE, "bench/peers/piscina.mjs", ...PROTOCOL],
    what: "Node.js + piscina, one worker thread per plugin, plugins in parallel" },
];

const NUMERIC = ["scans", "seconds", "scans_per_s", "cpu_seconds", "scans_per_cpu_s", "p50_ms", "p99_ms", "recycles",
  "recycle_p50_ms", "recycle_p99_ms", "peak_rss_mb", "lost", "errors"];

function usage() {
  return `usage: node bench/compare.mjs [options]
  --runners a,b,...     runners to run (default: all registered; unbuilt ones are reported "not built")
  --runner-cmd 'NAME=CMD ARGS...'   add a runner (tokens {plugins} {har} {recycle} {repeat}); repeatable
  --recycle 0,1000,100  recycle settings (default 0,1000,100)
  --runs N              interleaved repetitions, medians over them (default 3)
  --workloads LIST      corpus,generated,skewed (default all three); skewed: the generated HAR
                        with bench/skewed's 8 plugins, one ~15x the cost of each other one
  --corpus DIR          shared HAR corpus (default ../shared/corpus/har from the repo root)
  --entries N --seed S  generated HAR (default 2000, 42)
  --repeat K            passes over the workload in each run (default 1)
  --plugins DIR         plugins (default plugins/ when it has any, else bench/peers/fixtures)
  --build-dir DIR       C++ build folder whose bin/ holds the Warden runners (default: build,
                        or WARDEN_BUILD_DIR)
  --timeout-s S         per-run limit (default 900)
  --out DIR             results folder (default bench/results)
  --quick               runs 1, recycle 0,100, repeat 1: a smoke run`;
}

function parseArgs(argv) {
  const o = {
    runners: null, extra: [], recycle: [0, 1000, 100], runs: 3, workloads: ["corpus", "generated", "skewed"],
    corpus: resolve(ROOT, "../shared/corpus/har"), entries: 2000, seed: 42, repeat: 1, plugins: null,
    timeoutS: 900, out: join(ROOT, "bench/results"), quick: false,
    buildDir: resolve(ROOT, process.env.WARDEN_BUILD_DIR || "build"),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const list = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);
    switch (a) {
      case "--runners": o.runners = list(v()); break;
      case "--runner-cmd": o.extra.push(v()); break;
      case "--recycle": o.recycle = list(v()).map(Number); break;
      case "--runs": o.runs = Number(v()); break;
      case "--workloads": o.workloads = list(v()); break;
      case "--corpus": o.corpus = resolve(v()); break;
      case "--entries": o.entries = Number(v()); break;
      case "--seed": o.seed = Number(v()); break;
      case "--repeat": o.repeat = Number(v()); break;
      case "--plugins": o.plugins = resolve(v()); break;
      case "--timeout-s": o.timeoutS = Number(v()); break;
      case "--build-dir": o.buildDir = resolve(v()); break;
      case "--out": o.out = resolve(v()); break;
      case "--quick": o.quick = true; break;
      case "-h": case "--help": console.log(usage()); process.exit(0);
      default: throw new Error(`unknown argument: ${a}\n${usage()}`);
    }
  }
  if (o.quick) {
    o.runs = 1;
    o.recycle = [0, 100];
    o.repeat = 1;
  }
  return o;
}

const log = (...a) => process.stderr.write(a.join(" ") + "\n");
const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const fmt = (x, d = 1) => (x === null || x === undefined ? "–" : Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));

function pluginsDir(o) {
  if (o.plugins) return o.plugins;
  const dir = join(ROOT, "plugins");
  const has = existsSync(dir) && readdirSync(dir).some((f) => /\.m?js$/.test(f));
  if (has) return dir;
  log("compare: plugins/ has no plugin yet; using bench/peers/fixtures");
  return join(ROOT, "bench/peers/fixtures");
}

function workloads(o) {
  const out = [];
  for (const w of o.workloads) {
    if (w === "corpus") {
      const files = existsSync(o.corpus) ? readdirSync(o.corpus).filter((f) => f.endsWith(".har")).sort().map((f) => join(o.corpus, f)) : [];
      if (files.length === 0) log(`compare: shared corpus absent (${o.corpus} has no *.har): corpus workload skipped`);
      else out.push({ name: "corpus", files, what: `shared corpus, ${files.length} HAR files` });
    } else if (w === "generated" || w === "skewed") {
      const dir = join(o.out, "raw");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `gen-${o.entries}-s${o.seed}.har`);
      {
        // Regenerated every time (a couple of seconds): never stale after an edit of gen-har.mjs.
        const r = spawnSync(NODE, [join(ROOT, "bench/gen-har.mjs"), "--entries", String(o.entries), "--seed", String(o.seed)], { maxBuffer: 1 << 30 });
        if (r.status !== 0) throw new Error(`gen-har failed: ${r.stderr}`);
        // Written aside and renamed: another driver may be reading the old copy.
        writeFileSync(`${file}.${process.pid}`, r.stdout);
        renameSync(`${file}.${process.pid}`, file);
      }
      const what = `bench/gen-har.mjs --entries ${o.entries} --seed ${o.seed}`;
      if (w === "generated") out.push({ name: "generated", files: [file], what });
      // One heavy plugin (a regex-heavy disclosure scan over bodies, headers
      // and URL) beside 7 light header checks: no plugin's pool size fits all.
      else out.push({ name: "skewed", files: [file], pluginsSource: join(ROOT, "bench/skewed"), what: `${what}, plugins bench/skewed (1 heavy, 7 light)` });
    } else throw new Error(`unknown workload ${w}`);
  }
  return out;
}

function runnerList(o) {
  const all = [...RUNNERS];
  for (const spec of o.extra) {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new Error(`--runner-cmd wants NAME=CMD ARGS, got ${spec}`);
    const argv = spec.slice(eq + 1).trim().split(/\s+/);
    all.push({ name: spec.slice(0, eq), group: "extra", argv: argv.includes("{plugins}") ? argv : [...argv, ...PROTOCOL], what: "from --runner-cmd" });
  }
  const chosen = o.runners ? o.runners.map((n) => all.find((r) => r.name === n) ?? (() => { throw new Error(`no runner ${n}`); })()) : all;
  const bin = join(o.buildDir, "bin");
  const withBin = (x) => x.replace("{bin}", bin);
  const ready = [];
  const notBuilt = [];
  for (const r0 of chosen) {
    const r = { ...r0, argv: r0.argv.map(withBin), requires: r0.requires && withBin(r0.requires) };
    if (r.requires && !existsSync(resolve(ROOT, r.requires))) notBuilt.push({ name: r.name, requires: relative(ROOT, r.requires), what: r.what });
    else ready.push(r);
  }
  for (const r of notBuilt) log(`compare: ${r.name}: not built (${r.requires} missing), skipped`);
  return { ready, notBuilt };
}

function expand(argv, vars) {
  const out = [];
  for (const a of argv) {
    if (a === "{har}") out.push(...vars.har);
    else out.push(a.replace(/\{(plugins|recycle|repeat)\}/g, (_, k) => String(vars[k])));
  }
  return out;
}

// Compilers running now: other engineers share this machine, and we say so.
function busyCompilers() {
  try {
    let n = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
        if (/^(cc1plus|cc1|ld|ld\.gold|ld\.lld|clang.*|rustc)$/.test(comm)) n++;
      } catch { /* process gone */ }
    }
    return n;
  } catch {
    return null;
  }
}

// A C++ runner being relinked by a colleague fails to spawn (EACCES, ETXTBSY,
// ENOENT) for a few seconds: wait and try again rather than lose the run.
async function runWithRetry(runner, vars, timeoutS) {
  for (let attempt = 1; ; attempt++) {
    const res = await runOnce(runner, vars, timeoutS);
    if (res.ok || attempt === 4 || !/^spawn failed: .*(EACCES|ETXTBSY|ENOENT)/.test(res.error)) return res;
    log(`compare: ${runner.name}: ${res.error}; retrying in 15 s`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

function runOnce(runner, vars, timeoutS) {
  const argv = expand(runner.argv, vars);
  const cmd = argv[0].startsWith("/") ? argv[0] : argv[0].includes("/") ? join(ROOT, argv[0]) : argv[0];
  return new Promise((done) => {
    const child = spawn(cmd, argv.slice(1), { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      if (stderr.length > 20000) stderr = stderr.slice(-10000);
    });
    const timer = setTimeout(() => {
      stderr += `\n[compare] timed out after ${timeoutS} s, killed`;
      child.kill("SIGKILL");
    }, timeoutS * 1000);
    child.on("error", (e) => {
      clearTimeout(timer);
      done({ ok: false, error: `spawn failed: ${e.message}`, argv });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop();
      let result = null;
      try {
        result = line ? JSON.parse(line) : null;
      } catch { /* reported below */ }
      if (code !== 0 || !result) {
        done({ ok: false, error: `exit ${code ?? signal}${result ? "" : ", no JSON result line"}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`, argv });
      } else done({ ok: true, result, argv });
    });
  });
}

const EMPTY = { count: 0, digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" };

// Every runner must report the same findings per plugin on a workload (count
// and digest of the multiset of (transaction, plugin, title, severity)).
function checkFindings(runs) {
  const problems = [];
  const byWorkload = new Map();
  for (const r of runs) {
    if (!r.ok) continue;
    if (!byWorkload.has(r.workload)) byWorkload.set(r.workload, []);
    byWorkload.get(r.workload).push(r);
  }
  for (const [w, list] of byWorkload) {
    const ref = list[0];
    const refF = ref.result.findings_by_plugin ?? {};
    for (const r of list) {
      const who = `${r.runner} (recycle ${r.recycle}, run ${r.run})`;
      if (r.result.lost !== 0) problems.push(`${w}: ${who} lost ${r.result.lost} scans`);
      // Same scans everywhere, so a plugin that a runner failed to load cannot hide
      // behind "found nothing".
      if (r.result.scans !== ref.result.scans) problems.push(`${w}: ${who} answered ${r.result.scans} scans, ${ref.runner} ${ref.result.scans}`);
      const f = r.result.findings_by_plugin ?? {};
      const ids = new Set([...Object.keys(refF), ...Object.keys(f)]);
      for (const id of [...ids].sort()) {
        // A plugin left out of findings_by_plugin found nothing.
        const a = refF[id] ?? EMPTY;
        const b = f[id] ?? EMPTY;
        if (a.count !== b.count || a.digest !== b.digest) {
          problems.push(`${w}: plugin ${id}: ${ref.runner} (recycle ${ref.recycle}) found ${a.count}, ${who} found ${b.count}` +
            (a.count === b.count ? " (same count, different findings)" : ""));
        }
      }
    }
  }
  return problems;
}

function summarise(runs, workloadsList, runners, recycles) {
  const medians = [];
  for (const w of workloadsList) {
    for (const rec of recycles) {
      for (const rn of runners) {
        const mine = runs.filter((r) => r.ok && r.workload === w.name && r.recycle === rec && r.runner === rn.name);
        const failed = runs.filter((r) => !r.ok && r.workload === w.name && r.recycle === rec && r.runner === rn.name);
        if (mine.length === 0 && failed.length === 0) continue;
        const m = { workload: w.name, recycle_every: rec, runner: rn.name, runs: mine.length, failed_runs: failed.length };
        for (const k of NUMERIC) m[k] = median(mine.map((r) => r.result[k]));
        m.findings = mine[0]?.result.findings ?? null;
        m.max_lost = mine.length ? Math.max(...mine.map((r) => r.result.lost)) : null;
        medians.push(m);
      }
    }
  }
  return medians;
}

// Issue #5's targets, judged from the medians above (memory targets: bench/memory_bench).
function targets(medians, workloadsList) {
  const lines = [`## Targets (issue #5), from the medians above`, ""];
  const pick = (w, runner, rec) => medians.find((m) => m.workload === w && m.runner === runner && m.recycle_every === rec);
  const verdict = (ok) => (ok === null ? "not measured" : ok ? "**met**" : "**not met**");
  for (const w of workloadsList) {
    const warden = pick(w.name, "warden", 0);
    if (!warden) continue;
    lines.push(`### ${w.name}`, "", `| target | measured | verdict |`, `|---|---|---|`);
    const ratio = (peer, want, strict) => {
      const p = pick(w.name, peer, 0);
      if (!p || !p.scans_per_s || !warden.scans_per_s) return lines.push(`| Warden ≥ ${want}× ${peer} | – | not measured |`);
      const r = warden.scans_per_s / p.scans_per_s;
      lines.push(`| Warden ${strict ? ">" : "≥"} ${want}× ${peer} | ${fmt(warden.scans_per_s, 0)} / ${fmt(p.scans_per_s, 0)} = ${r.toFixed(2)}× | ${verdict(strict ? r > want : r >= want)} |`);
    };
    ratio("v8-loop", 1.6);
    ratio("isolated-vm", 3);
    ratio("piscina", 3);
    ratio("plain-node", 1, true);
    for (const runner of ["warden", "warden-no-spare", "warden-fixed-pool"]) {
      for (const rec of [1000, 100]) {
        const m = pick(w.name, runner, rec);
        if (!m || m.recycle_p50_ms == null) continue;
        lines.push(`| ${runner}, recycle every ${rec}: p50 ≤ 2 ms, p99 ≤ 10 ms | p50 ${fmt(m.recycle_p50_ms, 2)} ms, p99 ${fmt(m.recycle_p99_ms, 2)} ms | ${verdict(m.recycle_p50_ms <= 2 && m.recycle_p99_ms <= 10)} |`);
      }
      const never = pick(w.name, runner, 0), every = pick(w.name, runner, 1000);
      if (never && every && never.scans_per_s && every.scans_per_s) {
        const r = every.scans_per_s / never.scans_per_s;
        lines.push(`| ${runner}: throughput recycling every 1,000 within 5% of never | ${fmt(every.scans_per_s, 0)} / ${fmt(never.scans_per_s, 0)} = ${(100 * r).toFixed(1)}% | ${verdict(r >= 0.95)} |`);
      }
    }
    const lost = medians.filter((m) => m.workload === w.name).reduce((a, m) => Math.max(a, m.max_lost ?? 0), 0);
    lines.push(`| zero requests lost, every runner and run | max lost ${lost} | ${verdict(lost === 0)} |`, "");
  }
  return lines;
}

function markdown(meta, medians, problems, notBuilt, workloadsList, runners) {
  const lines = [];
  lines.push(`# Warden vs. the limit and the Node.js peers`, "");
  lines.push(`Generated by \`node bench/compare.mjs\` on ${meta.started} (finished ${meta.finished}).`);
  lines.push(`Machine: ${meta.machine.cpus} vCPU (${meta.machine.cpu_model}), ${meta.machine.mem_gb} GiB, ${meta.machine.os}; Node ${meta.node}.`);
  lines.push(`Load average at start ${meta.load_start.map((x) => x.toFixed(2)).join(" ")}, at end ${meta.load_end.map((x) => x.toFixed(2)).join(" ")}; ` +
    `compiler processes seen at run starts: median ${meta.compilers_median ?? "?"}, max ${meta.compilers_max ?? "?"} (other engineers share this machine).`);
  lines.push(`Medians of ${meta.runs} interleaved run(s) per cell; each run = every plugin (${meta.plugins.length}: ${meta.plugins_dir}) over every transaction, ${meta.repeat} pass(es).`);
  lines.push(`Throughput counts recycling time; latency is per scan call; recycle = old isolate/worker gone to the new one ready to scan.`, "");
  if (problems.length) {
    lines.push(`**FAILED: ${problems.length} problem(s):**`, "");
    for (const p of problems.slice(0, 30)) lines.push(`- ${p}`);
    lines.push("");
  } else lines.push(`Findings check: every runner produced the same findings per plugin on each workload; no scan lost.`, "");
  for (const w of workloadsList) {
    lines.push(`## ${w.name}: ${w.what} (${meta.transactions[w.name] ?? "?"} transactions)`, "");
    lines.push(`| runner | recycle every | scans/s | vs plain-node | scans per CPU-s | p50 ms | p99 ms | recycles | recycle p50 ms | recycle p99 ms | peak RSS MB | findings | lost |`);
    lines.push(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
    const rows = medians.filter((m) => m.workload === w.name);
    for (const rn of runners) {
      for (const m of rows.filter((x) => x.runner === rn.name)) {
        const base = rows.find((x) => x.runner === "plain-node" && x.recycle_every === m.recycle_every);
        const ratio = base && base.scans_per_s && m.scans_per_s ? `${(m.scans_per_s / base.scans_per_s).toFixed(2)}×` : "–";
        const na = rn.name === "plain-node" && m.recycle_every > 0;
        lines.push(`| ${m.runner}${m.failed_runs ? ` (${m.failed_runs} failed)` : ""} | ${m.recycle_every || "never"} | ${fmt(m.scans_per_s, 0)} | ${ratio} | ${fmt(m.scans_per_cpu_s, 0)} | ${fmt(m.p50_ms, 3)} | ${fmt(m.p99_ms, 3)} | ${na ? "n/a" : fmt(m.recycles, 0)} | ${na ? "n/a" : fmt(m.recycle_p50_ms, 2)} | ${na ? "n/a" : fmt(m.recycle_p99_ms, 2)} | ${fmt(m.peak_rss_mb, 1)} | ${fmt(m.findings, 0)} | ${fmt(m.max_lost, 0)} |`);
      }
    }
    lines.push("");
  }
  lines.push(...targets(medians, workloadsList));
  lines.push(`## Runners`, "");
  for (const r of runners) lines.push(`- **${r.name}**: ${r.what}.`);
  for (const r of notBuilt) lines.push(`- **${r.name}**: not built (\`${r.requires}\` missing): ${r.what}.`);
  lines.push("");
  return lines.join("\n");
}

// gnuplot: throughput per runner, clustered by recycle setting, one panel per
// workload; recycle cost p50/p99 per runner (log scale).
function plots(outDir, medians, workloadsList, runners, recycles) {
  if (spawnSync("gnuplot", ["--version"]).status !== 0) {
    log("compare: gnuplot not found: no PNG plots (apt-get install gnuplot-nox)");
    return [];
  }
  const dataDir = join(outDir, "raw", "plot");
  mkdirSync(dataDir, { recursive: true });
  const made = [];
  const q = (s) => `"${s.replace(/"/g, "")}"`;
  const panels = workloadsList.filter((w) => medians.some((m) => m.workload === w.name));
  if (panels.length === 0) return made;

  // Throughput.
  for (const w of panels) {
    const rows = [`runner ${recycles.map((r) => q(r ? `every ${r}` : "never")).join(" ")}`];
    for (const rn of runners) {
      const vals = recycles.map((rec) => medians.find((m) => m.workload === w.name && m.runner === rn.name && m.recycle_every === rec)?.scans_per_s ?? "NaN");
      if (vals.every((v) => v === "NaN")) continue;
      rows.push(`${q(rn.name)} ${vals.join(" ")}`);
    }
    writeFileSync(join(dataDir, `throughput-${w.name}.dat`), rows.join("\n") + "\n");
  }
  const tp = [
    `set terminal pngcairo size ${600 * panels.length},480 font "sans,10"`,
    `set output ${q(join(outDir, "throughput.png"))}`,
    `set multiplot layout 1,${panels.length} title "Scans per second (median; higher is better; log scale), bars = recycle setting"`,
    `set style data histograms`, `set style histogram clustered gap 1`, `set style fill solid 0.85 border -1`,
    `set boxwidth 0.9`, `set grid ytics`, `set logscale y`, `set xtics rotate by -30 scale 0`, `set key top right`, `set ylabel "scans/s"`,
  ];
  for (const w of panels) {
    tp.push(`set title ${q(w.name)}`);
    tp.push(`plot ${recycles.map((_, i) => `${q(join(dataDir, `throughput-${w.name}.dat`))} using ${i + 2}:xtic(1) title columnheader(${i + 2})`).join(", ")}`);
  }
  tp.push(`unset multiplot`);
  writeFileSync(join(dataDir, "throughput.gp"), tp.join("\n") + "\n");
  let r = spawnSync("gnuplot", [join(dataDir, "throughput.gp")], { encoding: "utf8" });
  if (r.status === 0) made.push("throughput.png");
  else log(`compare: gnuplot (throughput) failed: ${r.stderr}`);

  // Recycle cost.
  const recRecycles = recycles.filter((x) => x > 0);
  const recRunners = runners.filter((rn) => rn.name !== "plain-node");
  if (recRecycles.length) {
    for (const w of panels) {
      const cols = recRecycles.flatMap((rec) => [q(`p50, every ${rec}`), q(`p99, every ${rec}`)]);
      const rows = [`runner ${cols.join(" ")}`];
      for (const rn of recRunners) {
        const vals = recRecycles.flatMap((rec) => {
          const m = medians.find((x) => x.workload === w.name && x.runner === rn.name && x.recycle_every === rec);
          return [m?.recycle_p50_ms ?? "NaN", m?.recycle_p99_ms ?? "NaN"];
        });
        if (vals.every((v) => v === "NaN")) continue;
        rows.push(`${q(rn.name)} ${vals.join(" ")}`);
      }
      writeFileSync(join(dataDir, `recycle-${w.name}.dat`), rows.join("\n") + "\n");
    }
    const rp = [
      `set terminal pngcairo size ${600 * panels.length},480 font "sans,10"`,
      `set output ${q(join(outDir, "recycle.png"))}`,
      `set multiplot layout 1,${panels.length} title "Recycle cost in ms (median of runs; lower is better, log scale)"`,
      `set style data histograms`, `set style histogram clustered gap 1`, `set style fill solid 0.85 border -1`,
      `set boxwidth 0.9`, `set grid ytics`, `set logscale y`, `set xtics rotate by -30 scale 0`, `set key top left`, `set ylabel "ms"`,
    ];
    for (const w of panels) {
      rp.push(`set title ${q(w.name)}`);
      rp.push(`plot ${recRecycles.flatMap((_, i) => [i * 2 + 2, i * 2 + 3]).map((c) => `${q(join(dataDir, `recycle-${w.name}.dat`))} using ${c}:xtic(1) title columnheader(${c})`).join(", ")}`);
    }
    rp.push(`unset multiplot`);
    writeFileSync(join(dataDir, "recycle.gp"), rp.join("\n") + "\n");
    r = spawnSync("gnuplot", [join(dataDir, "recycle.gp")], { encoding: "utf8" });
    if (r.status === 0) made.push("recycle.png");
    else log(`compare: gnuplot (recycle) failed: ${r.stderr}`);
  }
  return made;
}

// Readable but compact: one line per median and per run.
function resultsJson(doc) {
  const parts = Object.entries(doc).map(([k, v]) =>
    Array.isArray(v) && v.length && typeof v[0] === "object"
      ? ` ${JSON.stringify(k)}: [\n  ${v.map((x) => JSON.stringify(x)).join(",\n  ")}\n ]`
      : ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${parts.join(",\n")}\n}\n`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(o.out, { recursive: true });
  // Runners read a snapshot of the plugins, so an edit during the run cannot
  // make runners disagree (one folder per driver: two drivers may share --out).
  const pluginsSource = pluginsDir(o);
  const snapshot = (source, tag) => {
    const names = readdirSync(source).filter((f) => /\.m?js$/.test(f)).sort();
    const dir = join(o.out, "raw", `plugins-${tag}-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of names) copyFileSync(join(source, f), join(dir, f));
    return { dir, names };
  };
  const { dir: plugins, names: pluginNames } = snapshot(pluginsSource, "main");
  const wl = workloads(o);
  for (const w of wl) {
    const own = w.pluginsSource ? snapshot(w.pluginsSource, w.name) : { dir: plugins, names: pluginNames };
    w.plugins = own.dir;
    w.pluginNames = own.names;
  }
  if (wl.length === 0) throw new Error("no workload to run");
  const { ready, notBuilt } = runnerList(o);
  if (notBuilt.length && o.buildDir === resolve(ROOT, "build")) log("compare: (a C++ build elsewhere? --build-dir DIR or WARDEN_BUILD_DIR)");
  if (ready.length === 0) throw new Error("no runner to run");
  if (ready.some((r) => r.group === "node") && !existsSync(join(ROOT, "bench/peers/node_modules/piscina"))) {
    throw new Error("bench/peers/node_modules missing: run `bash bench/peers/install.sh` first");
  }

  const meta = {
    started: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "?", mem_gb: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
    },
    node: process.version,
    commit: spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim(),
    load_start: os.loadavg(),
    runs: o.runs, repeat: o.repeat, recycle: o.recycle,
    plugins_dir: relative(ROOT, pluginsSource) || ".", plugins: pluginNames,
    workloads: wl.map((w) => ({ name: w.name, what: w.what, files: w.files.map((f) => relative(ROOT, f)),
      ...(w.pluginsSource ? { plugins_dir: relative(ROOT, w.pluginsSource), plugins: w.pluginNames } : {}) })),
    runners: ready.map((r) => ({ name: r.name, argv: r.argv, what: r.what })),
    not_built: notBuilt,
    transactions: {},
  };

  const runs = [];
  const total = o.runs * wl.length * o.recycle.length * ready.length;
  let n = 0;
  const compilers = [];
  for (let run = 1; run <= o.runs; run++) {
    for (const w of wl) {
      for (const rec of o.recycle) {
        // Rotate the runner order each run, so no runner always goes first or last.
        const shift = (run - 1 + o.recycle.indexOf(rec)) % ready.length;
        const order = [...ready.slice(shift), ...ready.slice(0, shift)];
        for (const rn of order) {
          n++;
          const busy = busyCompilers();
          if (busy !== null) compilers.push(busy);
          const vars = { plugins: w.plugins, har: w.files, recycle: rec, repeat: o.repeat };
          const t0 = Date.now();
          const res = await runWithRetry(rn, vars, o.timeoutS);
          const entry = { run, workload: w.name, recycle: rec, runner: rn.name, compilers_at_start: busy, wall_s: (Date.now() - t0) / 1000, ...res };
          runs.push(entry);
          if (res.ok) {
            meta.transactions[w.name] ??= res.result.transactions ?? (res.result.scans / Math.max(1, w.pluginNames.length) / o.repeat);
            const x = res.result;
            log(`[${n}/${total}] ${w.name} recycle=${rec} ${rn.name}: ${fmt(x.scans_per_s, 0)} scans/s, ${fmt(x.scans_per_cpu_s, 0)}/CPU-s, p50 ${fmt(x.p50_ms, 3)} ms, p99 ${fmt(x.p99_ms, 3)} ms` +
              (rec ? `, recycle p50 ${fmt(x.recycle_p50_ms, 2)} p99 ${fmt(x.recycle_p99_ms, 2)} ms` : "") + `, RSS ${fmt(x.peak_rss_mb, 0)} MB, findings ${x.findings}, lost ${x.lost}`);
          } else log(`[${n}/${total}] ${w.name} recycle=${rec} ${rn.name}: FAILED: ${res.error}`);
        }
      }
    }
  }
  meta.finished = new Date().toISOString();
  meta.load_end = os.loadavg();
  meta.compilers_median = median(compilers);
  meta.compilers_max = compilers.length ? Math.max(...compilers) : null;

  for (const dir of new Set([plugins, ...wl.map((w) => w.plugins)])) rmSync(dir, { recursive: true, force: true });
  const problems = checkFindings(runs);
  for (const r of runs) if (!r.ok) problems.push(`${r.workload}: ${r.runner} (recycle ${r.recycle}, run ${r.run}) failed: ${r.error}`);
  const medians = summarise(runs, wl, ready, o.recycle);
  const pngs = plots(o.out, medians, wl, ready, o.recycle);
  const md = markdown(meta, medians, problems, notBuilt, wl, ready);
  writeFileSync(join(o.out, "results.json"), resultsJson({ meta, ok: problems.length === 0, problems, medians, runs, plots: pngs }));
  writeFileSync(join(o.out, "results.md"), md + (pngs.length ? `\n${pngs.map((p) => `![${p}](${p})`).join("\n")}\n` : ""));
  process.stdout.write(md + "\n");
  log(`compare: wrote ${relative(ROOT, join(o.out, "results.json"))}, results.md${pngs.length ? ", " + pngs.join(", ") : ""}`);
  if (problems.length) {
    log(`compare: FAILED (${problems.length} problem(s)), first: ${problems[0]}`);
    process.exit(1);
  }
}

main().catch((e) => {
  log(`compare: ${e?.stack ?? e}`);
  process.exit(2);
});
