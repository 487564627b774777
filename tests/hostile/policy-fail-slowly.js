// Spends just under the time limit on every scan and then times out on one
// in four, spacing its failures to stay under a failures-per-window rule.
//! har-repeat 5
let n = 0;
export default {
  id: "policy-fail-slowly",
  scan() {
    const end = Date.now() + (n++ % 4 === 3 ? 1e9 : 480);
    while (Date.now() < end) {}
    return [];
  },
};
