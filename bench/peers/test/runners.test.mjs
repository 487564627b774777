// Smoke tests of the Node.js peer runners and the HAR generator, short enough
// for CI (`node --test bench/peers/test/`): the runners agree on the findings,
// and a plugin that throws, loops or answers garbage costs its scan, never a lost one.
// The isolated-vm and piscina cases are skipped until bench/peers/install.sh ran.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const PEERS = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = resolve(PEERS, "../..");
const IVM_BUILT = existsSync(join(PEERS, "node_modules/isolated-vm/out/isolated_vm.node"));
const PISCINA = existsSync(join(PEERS, "node_modules/piscina"));
const tmp = mkdtempSync(join(tmpdir(), "warden-peers-"));

function gen(entries, seed) {
  const r = spawnSync(process.execPath, [join(ROOT, "bench/gen-har.mjs"), "--entries", String(entries), "--seed", String(seed)], { maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

function run(script, args) {
  const r = spawnSync(process.execPath, ["--no-node-snapshot", join(PEERS, script), ...args], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, "one JSON line on stdout");
  return JSON.parse(lines[0]);
}

const har = join(tmp, "g.har");
writeFileSync(har, gen(60, 7));

test("the generator is deterministic for a seed and differs across seeds", () => {
  assert.deepEqual(gen(60, 7), gen(60, 7));
  assert.notDeepEqual(gen(60, 7), gen(60, 8));
  const doc = JSON.parse(gen(60, 7));
  assert.equal(doc.log.entries.length, 60);
});

const RUNNERS = [
  ["plain-node.mjs", [], true],
  ["isolated-vm.mjs", ["--mode", "sync"], IVM_BUILT],
  ["isolated-vm.mjs", ["--mode", "async"], IVM_BUILT],
  ["piscina.mjs", [], PISCINA],
];

test("every runner reports the same findings for the fixture plugins, with recycling", () => {
  const digests = new Set();
  for (const [script, extra, available] of RUNNERS) {
    if (!available) continue;
    const res = run(script, ["--plugins", join(PEERS, "fixtures"), "--har", har, "--recycle-every", "25", "--repeat", "2", ...extra]);
    assert.equal(res.scans, 60 * 2 * 2);
    assert.equal(res.lost, 0);
    assert.equal(res.errors, 0);
    if (script !== "plain-node.mjs") assert.ok(res.recycles >= 4, `${script} recycled ${res.recycles} times`);
    digests.add(JSON.stringify(res.findings_by_plugin));
  }
  assert.equal(digests.size, 1, "all runners agree");
});

test("a throwing, looping or garbage-returning plugin fails its scans only", { skip: !IVM_BUILT && !PISCINA }, () => {
  const dir = join(tmp, "bad");
  spawnSync("mkdir", ["-p", dir]);
  writeFileSync(join(dir, "loop.js"), `export default { id: "loop", scan(t) { if (t.id.endsWith(":3")) for (;;) {} return []; } };`);
  writeFileSync(join(dir, "bad.js"), `export default { id: "bad", scan(t) { if (t.id.endsWith("7")) throw new Error("boom"); return t.id.endsWith("5") ? "nope" : [{ title: "x", severity: "info" }]; } };`);
  for (const [script, extra, available] of RUNNERS.slice(1)) {
    if (!available) continue;
    const res = run(script, ["--plugins", dir, "--har", har, "--timeout-ms", "1500", ...extra]);
    assert.equal(res.lost, 0, script);
    assert.equal(res.scans, 120, script);
    assert.equal(res.errors, 1 + 6 + 6, `${script}: ${JSON.stringify(res.error_samples)}`);
    assert.equal(res.findings_by_plugin.bad.count, 60 - 12, script);
  }
});
