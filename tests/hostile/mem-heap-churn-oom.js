// Every scan fills the heap to its limit with small live objects.
export default {
  id: "mem-heap-churn-oom",
  scan() {
    const live = [];
    for (;;) live.push({ a: live.length, b: [live.length], c: "x" + live.length });
  },
};
