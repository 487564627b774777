// JSON.stringify of a sparse array of length 2**32-1 and of a wide object:
// output past the largest string.
export default {
  id: "crash-json-stringify-huge",
  scan() {
    const sparse = [];
    sparse.length = 2 ** 32 - 1;
    try { JSON.stringify(sparse); } catch (e) {}
    const wide = {};
    for (let i = 0; i < 1e5; i++) wide["k" + i] = "v".repeat(1000);
    try { JSON.stringify([wide, wide, wide, wide, wide, wide, wide, wide]); } catch (e) {}
    try { JSON.stringify(sparse, null, 10); } catch (e) {}
    return [];
  },
};
