// Error.prepareStackTrace that spins, recurses and returns huge values, and
// thrown values whose stack and message getters do the same, for the host to
// describe.
let n = 0;
Error.prepareStackTrace = (error, frames) => {
  n++;
  if (n % 3 === 0) for (;;) {}
  if (n % 3 === 1) return "s".repeat(2 ** 24);
  return Error.prepareStackTrace(error, frames);
};
export default {
  id: "crash-error-prepare-stack-trace",
  scan() {
    const thrown = new Error("m");
    Object.defineProperty(thrown, "message", { get() { for (;;) {} } });
    throw thrown;
  },
};
