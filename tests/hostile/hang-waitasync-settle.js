// A scan that awaits an Atomics.waitAsync timer of 1 ms: it settles, so an
// error must not say that nothing was left to run (the timer was).
//! forbid-text so it never would
export default {
  id: "hang-waitasync-settle",
  async scan(txn) {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const wait = Atomics.waitAsync(cell, 0, 0, 1);
    if (wait.async) await wait.value;
    return [{ title: "waited for " + txn.id, severity: "info" }];
  },
};
