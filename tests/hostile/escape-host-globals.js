// Looks for every host capability a sandbox might leak (require, process,
// fetch, file and network APIs, d8's shell functions, natives syntax) and
// reports any it finds.
const found = [];
const g = globalThis;
for (const name of ["require", "process", "module", "exports", "Buffer", "fetch", "XMLHttpRequest",
                    "WebSocket", "Deno", "Bun", "os", "read", "readbuffer", "readline", "load",
                    "write", "quit", "setTimeout", "setInterval", "setImmediate", "queueMicrotask",
                    "importScripts", "postMessage", "Worker", "SharedWorker", "navigator",
                    "performance", "gc", "d8", "Realm", "FileReader", "WebAssembly", "global"]) {
  if (name in g) found.push(name);
}
try {
  if (new Function("return %GetOptimizationStatus(function(){})")() !== undefined) found.push("natives");
} catch (e) {}
for (const name of Object.getOwnPropertyNames(g)) {
  if (/^(process|require|std|os|fs|net|child)/i.test(name)) found.push(name);
}
const dangerous = found.filter((n) => ["require", "process", "fetch", "XMLHttpRequest", "WebSocket",
  "Deno", "Bun", "os", "read", "readbuffer", "load", "write", "quit", "importScripts", "Worker",
  "WebAssembly", "natives", "d8", "Realm", "gc"].includes(n));
export default {
  id: "escape-host-globals",
  scan() {
    return dangerous.length
      ? [{ title: "SANDBOX-ESCAPED: " + dangerous.join(","), severity: "critical" }]
      : [];
  },
};
