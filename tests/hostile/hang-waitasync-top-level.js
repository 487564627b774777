// A top-level await on an Atomics.waitAsync timer of 1 ms: it settles, so a
// load error must not say that nothing can settle it.
//! forbid-text nothing can settle
const cell = new Int32Array(new SharedArrayBuffer(4));
const wait = Atomics.waitAsync(cell, 0, 0, 1);
if (wait.async) await wait.value;
export default {
  id: "hang-waitasync-top-level",
  scan() {
    return [];
  },
};
