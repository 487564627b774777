// Takes 1.8 s to load (under the load limit) and times out on every scan, so
// it fails too rarely for a count-in-a-window policy to ever quarantine it.
//! har-repeat 5
const end = Date.now() + 1800;
while (Date.now() < end) {}
export default {
  id: "policy-slow-load-timeouts",
  scan() {
    for (;;) {}
  },
};
