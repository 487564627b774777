// Arrays grown to V8's largest in every way a builtin can: push in a loop,
// concat of big arrays, length set then filled, holey to dictionary.
export default {
  id: "crash-array-growth",
  scan() {
    try {
      const a = new Array(2 ** 26).fill(0);
      a.concat(a, a, a);
    } catch (e) {}
    try {
      const b = [];
      b[2 ** 32 - 2] = 1;
      b.push(1, 2, 3);
    } catch (e) {}
    try {
      const c = [];
      for (;;) c.push(c.length, c.length);
    } catch (e) {}
    return [];
  },
};
