#!/usr/bin/env node
// Dev tool: runs the bundled plugins (plugins/*.js) over HAR files with plain
// Node.js and prints their findings per plugin, for plugin development and
// false-positive review. Not the runtime: no sandbox, no limits; it only checks
// that each finding has the shape the plugin contract asks for.
//
//   node scripts/plugin-preview.mjs [options] file.har...
//     --plugin ID     run only this plugin (repeatable)
//     --plugins DIR   plugin directory (default: plugins/ next to scripts/)
//     --summary       counts only (per plugin, per file and per title)
//     --json          one JSON finding per line
//     --max N         print at most N findings per plugin and file (default 20)
//   node scripts/plugin-preview.mjs --check [DIR]
//     compares each plugin's findings on DIR/<id>.har (default
//     tests/fixtures/plugins) with DIR/<id>.expected.json, as the C++ test does
import { register } from "node:module";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { readHarTransactions } from "./lib/har.mjs";

// Plugins import "warden:std", which Warden builds in: resolve it to its
// source, runtime/js/std.js, for Node.
const STD_URL = pathToFileURL(
  resolve(dirname(fileURLToPath(import.meta.url)), "..", "runtime", "js", "std.js"),
).href;
register(
  "data:text/javascript," +
    encodeURIComponent(
      `export async function resolve(specifier, context, next) {
         if (specifier === "warden:std") return { url: ${JSON.stringify(STD_URL)}, format: "module", shortCircuit: true };
         return next(specifier, context);
       }`,
    ),
);

const SEVERITIES = ["info", "low", "medium", "high", "critical"];
const CONFIDENCES = ["low", "medium", "high"];
const ID_RE = /^[a-z0-9][a-z0-9-]*$/;

function usage(message) {
  if (message) console.error(`plugin-preview: ${message}`);
  console.error(
    "usage: node scripts/plugin-preview.mjs [--plugin ID]... [--plugins DIR] " +
      "[--summary] [--json] [--max N] file.har...",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    only: [],
    dir: resolve(dirname(fileURLToPath(import.meta.url)), "..", "plugins"),
    summary: false,
    json: false,
    max: 20,
    files: [],
    check: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--plugin") opts.only.push(argv[++i] ?? usage("--plugin needs an id"));
    else if (a === "--plugins") opts.dir = resolve(argv[++i] ?? usage("--plugins needs a dir"));
    else if (a === "--summary") opts.summary = true;
    else if (a === "--json") opts.json = true;
    else if (a === "--max") opts.max = Number(argv[++i] ?? usage("--max needs a number"));
    else if (a === "--check") {
      opts.check = argv[i + 1] && !argv[i + 1].startsWith("--") ? resolve(argv[++i])
        : resolve(dirname(fileURLToPath(import.meta.url)), "..", "tests", "fixtures", "plugins");
    } else if (a === "-h" || a === "--help") usage();
    else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else opts.files.push(a);
  }
  if (opts.files.length === 0 && opts.check === null) usage("no HAR files given");
  return opts;
}

// Same checks the runtime applies to a scan result (plugin contract, "A finding").
function validateFindings(result) {
  if (!Array.isArray(result)) return "scan did not return an array";
  if (result.length > 1000) return `scan returned ${result.length} findings (max 1000)`;
  for (const [i, f] of result.entries()) {
    if (f === null || typeof f !== "object") return `finding ${i} is not an object`;
    if (typeof f.title !== "string" || f.title === "") return `finding ${i} has no title`;
    if (!SEVERITIES.includes(f.severity)) return `finding ${i} has severity ${f.severity}`;
    if (f.description !== undefined && typeof f.description !== "string")
      return `finding ${i} has a non-string description`;
    if (f.evidence !== undefined && typeof f.evidence !== "string")
      return `finding ${i} has a non-string evidence`;
    if (f.cwe !== undefined && !(Number.isInteger(f.cwe) && f.cwe > 0))
      return `finding ${i} has cwe ${f.cwe}`;
    if (f.confidence !== undefined && !CONFIDENCES.includes(f.confidence))
      return `finding ${i} has confidence ${f.confidence}`;
  }
  return null;
}

async function loadPlugins(dir, only) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".js")).sort();
  const plugins = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    const p = mod.default;
    const stem = basename(file, ".js");
    if (!p || typeof p.scan !== "function" || !ID_RE.test(p.id ?? "")) {
      console.error(`plugin-preview: ${file}: not a valid plugin (default export, id, scan)`);
      process.exitCode = 1;
      continue;
    }
    if (p.id !== stem) console.error(`plugin-preview: ${file}: id "${p.id}" != file name`);
    if (only.length && !only.includes(p.id)) continue;
    if (typeof p.init === "function") await p.init({});
    plugins.push(p);
  }
  return plugins;
}

// Title+severity pairs, sorted: the comparison ignores finding order.
function key(findings) {
  return findings.map((f) => `${f.severity}\t${f.title}`).sort();
}

async function checkFixtures(plugins, dir) {
  let failures = 0;
  for (const p of plugins) {
    const har = join(dir, `${p.id}.har`);
    const expectedPath = join(dir, `${p.id}.expected.json`);
    if (!existsSync(har) || !existsSync(expectedPath)) {
      console.log(`MISSING ${p.id}: no fixture`);
      failures++;
      continue;
    }
    const expected = JSON.parse(readFileSync(expectedPath, "utf8"));
    const txns = readHarTransactions(har);
    let ok = true;
    let positives = 0;
    let negatives = 0;
    for (const txn of txns) {
      const result = await p.scan(txn);
      const problem = validateFindings(result);
      const want = key(expected[txn.id] ?? []);
      if (want.length) positives++;
      else negatives++;
      const got = problem ? [`invalid: ${problem}`] : key(result);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        ok = false;
        console.log(`FAIL ${p.id} entry ${txn.id} ${txn.request.url}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`);
      }
    }
    if (positives === 0 || negatives === 0) {
      ok = false;
      console.log(`FAIL ${p.id}: fixture needs positive and negative entries`);
    }
    if (!ok) failures++;
    else console.log(`ok   ${p.id} (${txns.length} entries, ${positives} positive)`);
  }
  return failures;
}

const opts = parseArgs(process.argv.slice(2));
const plugins = await loadPlugins(opts.dir, opts.only);
if (opts.check !== null) {
  const failures = await checkFixtures(plugins, opts.check);
  process.exit(failures ? 1 : 0);
}
const totals = new Map(plugins.map((p) => [p.id, { count: 0, ms: 0, titles: new Map(), files: new Map(), errors: 0 }]));

for (const file of opts.files) {
  let txns;
  try {
    txns = readHarTransactions(file);
  } catch (e) {
    console.error(`plugin-preview: ${file}: ${e.message}`);
    process.exitCode = 1;
    continue;
  }
  for (const p of plugins) {
    const t = totals.get(p.id);
    let printed = 0;
    for (const txn of txns) {
      const start = performance.now();
      let result;
      try {
        result = await p.scan(txn);
      } catch (e) {
        t.errors++;
        console.error(`${p.id}: ${basename(file)}#${txn.id}: threw ${e?.stack ?? e}`);
        continue;
      } finally {
        t.ms += performance.now() - start;
      }
      const problem = validateFindings(result);
      if (problem) {
        t.errors++;
        console.error(`${p.id}: ${basename(file)}#${txn.id}: ${problem}`);
        continue;
      }
      for (const f of result) {
        t.count++;
        t.titles.set(f.title, (t.titles.get(f.title) ?? 0) + 1);
        t.files.set(basename(file), (t.files.get(basename(file)) ?? 0) + 1);
        if (opts.json) {
          console.log(JSON.stringify({ plugin: p.id, file: basename(file), entry: Number(txn.id), url: txn.request.url, ...f }));
        } else if (!opts.summary && printed++ < opts.max) {
          const url = txn.request.url.length > 100 ? txn.request.url.slice(0, 100) + "…" : txn.request.url;
          console.log(`[${p.id}] ${basename(file)}#${txn.id} ${f.severity.toUpperCase()} ${f.title}`);
          console.log(`    ${url}`);
          if (f.evidence) console.log(`    evidence: ${f.evidence}`);
        }
      }
    }
  }
}

if (!opts.json) {
  console.log("\n== summary ==");
  for (const p of plugins) {
    const t = totals.get(p.id);
    console.log(`${p.id}: ${t.count} finding(s), ${t.errors} error(s), ${t.ms.toFixed(1)} ms`);
    for (const [title, n] of [...t.titles].sort((a, b) => b[1] - a[1])) console.log(`    ${n}\t${title}`);
    for (const [f, n] of [...t.files].sort((a, b) => b[1] - a[1])) console.log(`    ${n}\tin ${f}`);
  }
}
