// scan's promise settles only after the time limit, by a timer the engine
// offers (Atomics.waitAsync), with findings meant for a later transaction.
export default {
  id: "hang-async-after-timeout",
  async scan(txn) {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const wait = Atomics.waitAsync(cell, 0, 0, 1500);
    if (wait.async) await wait.value;
    return [{ title: "late for " + txn.id, severity: "high" }];
  },
};
