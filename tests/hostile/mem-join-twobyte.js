// Array.prototype.join of two short arrays' worth of two-byte strings whose
// sum is V8's maximum length: one 1 GiB allocation, from a receiver of length 2.
export default {
  id: "mem-join-twobyte",
  scan() {
    const parts = ["\u0100".repeat(2 ** 28), "\u0101".repeat(2 ** 28 - 40)];
    return [{ title: "joined " + parts.join("").charCodeAt(3), severity: "info" }];
  },
};
