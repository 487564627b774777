// The piscina worker for one plugin (bench/peers/piscina.mjs): imports the
// plugin named in workerData once per worker, then answers one task per scan.
// A task is the transaction as a JSON string (or as an object when the pool
// was started with transfer "clone"); null is the readiness probe used to time
// recycles. The plugin's answer (or the promise of it) goes back by structured clone.
import { pathToFileURL } from "node:url";
import { workerData } from "node:worker_threads";

import { registerStdHook } from "./lib/warden-std.mjs";

registerStdHook();

for (const m of ["log", "info", "warn", "error", "debug", "trace", "dir"]) console[m] = () => {};

const plugin = (await import(pathToFileURL(workerData.plugin).href)).default;
if (plugin === null || typeof plugin !== "object" || typeof plugin.scan !== "function") {
  throw new Error(`${workerData.plugin}: default export has no scan()`);
}
if (typeof plugin.init === "function") await plugin.init({});
const id = String(plugin.id);

export default function scan(task) {
  if (task === null) return id;
  return plugin.scan(typeof task === "string" ? JSON.parse(task) : task);
}
