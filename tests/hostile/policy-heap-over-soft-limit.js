// Keeps more live heap from its load on than a soft limit allows (about 46
// MiB of a 64 MiB heap), so a recycle on heap use frees nothing.
//! har-repeat 5
const kept = [];
for (let i = 0; i < 44; i++) kept.push(new Array(128 * 1024).fill(i + 0.5));
export default {
  id: "policy-heap-over-soft-limit",
  scan() {
    return [{ title: "kept " + kept.length, severity: "info" }];
  },
};
