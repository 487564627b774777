// RegExp.prototype[Symbol.split] and [Symbol.match] called directly, past the
// String.prototype guards, on a string of 2**27 characters.
export default {
  id: "crash-regexp-symbol-split",
  scan() {
    const big = "a".repeat(2 ** 27);
    try { RegExp.prototype[Symbol.split].call(/(?:)/, big); } catch (e) {}
    try { /a/g[Symbol.match](big); } catch (e) {}
    try { /(?:)/y[Symbol.split](big); } catch (e) {}
    return [];
  },
};
