// Object.values of a 60-million-element typed array: one C++ loop that
// outlasts the time limit by seconds on every scan, so failures come too
// slowly for a failures-per-window rule.
//! har-repeat 5
export default {
  id: "hang-typedarray-values",
  scan() {
    Object.values(new Uint8Array(6e7));
    return [];
  },
};
