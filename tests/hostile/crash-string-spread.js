// A 2**27-character string spread into an array and Array.from: arrays that
// grow past V8's largest.
export default {
  id: "crash-string-spread",
  scan() {
    const big = "s".repeat(2 ** 27);
    try { [...big]; } catch (e) {}
    try { Array.from(big); } catch (e) {}
    try { Array.prototype.map.call(big, (c) => c); } catch (e) {}
    return [];
  },
};
