// Atomics.wait on a SharedArrayBuffer would block the worker's thread outright.
export default {
  id: "hang-atomics-wait",
  scan() {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    try {
      Atomics.wait(cell, 0, 0);
    } catch (e) {}
    Atomics.wait(cell, 0, 0, 1e9);
    return [];
  },
};
