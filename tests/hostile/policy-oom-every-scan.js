// Runs out of heap on every scan, after a slow load, so each failure costs a
// recycle and a reload.
//! har-repeat 5
const end = Date.now() + 1000;
while (Date.now() < end) {}
export default {
  id: "policy-oom-every-scan",
  scan() {
    const live = [];
    for (;;) live.push(new Array(1e5).fill(live.length));
  },
};
