// RegExp.prototype[Symbol.replace] with a global regexp on a string of 2**26
// characters, and a replacer function, past the String.prototype guards.
export default {
  id: "crash-regexp-symbol-replace",
  scan() {
    const big = "ab".repeat(2 ** 25);
    try { /a/g[Symbol.replace](big, "xyz"); } catch (e) {}
    try { /./g[Symbol.replace](big, () => "q"); } catch (e) {}
    try { big.matchAll(/./g).next(); [...big.matchAll(/./g)]; } catch (e) {}
    return [];
  },
};
