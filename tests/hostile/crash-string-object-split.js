// split, match and replace on a String object (not a primitive) of 2**27
// characters: the result array is past V8's largest, a fatal error.
export default {
  id: "crash-string-object-split",
  scan() {
    const big = new String("a".repeat(2 ** 27));
    try { big.split(""); } catch (e) {}
    try { String.prototype.match.call(big, /a/g); } catch (e) {}
    try { String.prototype.split.call({ toString: () => "b".repeat(2 ** 27) }, ""); } catch (e) {}
    return [];
  },
};
