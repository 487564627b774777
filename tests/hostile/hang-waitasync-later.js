// Atomics.waitAsync timers whose callbacks spin when they fire, during some
// later scan or between scans.
export default {
  id: "hang-waitasync-later",
  scan() {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    for (const ms of [1, 50, 400, 900]) {
      const wait = Atomics.waitAsync(cell, 0, 0, ms);
      if (wait.async) wait.value.then(() => { for (;;) {} });
    }
    return [];
  },
};
