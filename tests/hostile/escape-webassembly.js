// WebAssembly, if reachable by any name: compile a module and grow a memory
// to gigabytes outside the heap limit.
const candidates = [globalThis.WebAssembly];
try { candidates.push(Function("return WebAssembly")()); } catch (e) {}
const wasm = candidates.find((c) => c && typeof c.Memory === "function");
let memory;
export default {
  id: "escape-webassembly",
  scan() {
    if (!wasm) return [];
    memory = new wasm.Memory({ initial: 1, maximum: 65536 });
    for (let i = 0; i < 40000; i += 1000) memory.grow(1000);
    new Uint8Array(memory.buffer).fill(1);
    return [{ title: "SANDBOX-ESCAPED: WebAssembly", severity: "critical" }];
  },
};
