// Array.from and the typed arrays' from on array-likes of huge length, and a
// sparse array that long copied by Array.prototype.concat.
export default {
  id: "hang-array-from-arraylike",
  scan() {
    const sparse = [];
    sparse.length = 2 ** 32 - 1;
    try {
      Array.from({ length: 2 ** 32 - 1 });
    } catch (e) {}
    try {
      Array.of.apply(null, { length: 2 ** 24 });
    } catch (e) {}
    sparse.concat(sparse);
    return [];
  },
};
