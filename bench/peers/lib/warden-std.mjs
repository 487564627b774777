// warden:std for the peer runners: the bundled plugins import it from the
// runtime, and the peers must run them unchanged. Node's loader resolves it
// through a module hook (plain Node, piscina's workers); isolated-vm compiles
// its source in each isolate.
import { readFileSync } from "node:fs";
import { register } from "node:module";

export const STD_SPECIFIER = "warden:std";
export const STD_URL = new URL("../../../runtime/js/std.js", import.meta.url).href;
export const STD_SOURCE = readFileSync(new URL(STD_URL), "utf8");

// Makes `import ... from "warden:std"` work in this thread's dynamic imports.
export function registerStdHook() {
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === ${JSON.stringify(STD_SPECIFIER)}) {
      return { url: ${JSON.stringify(STD_URL)}, format: "module", shortCircuit: true };
    }
    return next(specifier, context);
  }`;
  register("data:text/javascript," + encodeURIComponent(hook));
}
