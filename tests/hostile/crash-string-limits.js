// Strings at and past V8's maximum length, built by repeat, padEnd, join and
// concatenation, then flattened by indexing and comparing.
export default {
  id: "crash-string-limits",
  scan() {
    const tries = [
      () => "x".repeat(2 ** 29 - 24).charCodeAt(2 ** 28),
      () => "".padEnd(2 ** 30, "ab"),
      () => { let s = "y"; for (;;) s += s; },
      () => new Array(2 ** 20).join("z".repeat(2 ** 10)).length,
      () => "q".repeat(2 ** 28) === "q".repeat(2 ** 28),
      () => String.fromCharCode.apply(null, new Uint16Array(2 ** 22)),
    ];
    for (const attempt of tries) {
      try { attempt(); } catch (e) {}
    }
    return [];
  },
};
