// Calls every way a host has been known to expose to end the process: quit,
// process.exit, os.exit, Deno.exit, close; and throws from scan otherwise.
export default {
  id: "abort-exit-functions",
  scan() {
    const g = globalThis;
    for (const end of [
      () => g.quit(3), () => g.process.exit(3), () => g.os.exit(3), () => g.Deno.exit(3),
      () => g.close(), () => g.exit(3), () => g.process.abort(), () => g.process.reallyExit(3),
      () => g.console.__proto__.constructor("return process")().exit(3),
    ]) {
      try { end(); } catch (e) {}
    }
    throw new Error("still alive");
  },
};
