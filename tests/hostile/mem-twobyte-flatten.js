// A two-byte string of V8's maximum length (1 GiB) flattened by indexing it:
// the heap limit grants headroom again and again while it is built.
export default {
  id: "mem-twobyte-flatten",
  scan() {
    const big = "\u0100".repeat(2 ** 29 - 24);
    return [{ title: "char " + big.charCodeAt(5), severity: "info" }];
  },
};
