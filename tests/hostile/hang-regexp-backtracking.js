// Catastrophic backtracking: (a+)+ against a long run of a's that cannot match.
export default {
  id: "hang-regexp-backtracking",
  scan(txn) {
    const input = "a".repeat(64) + "!";
    /^(a+)+$/.test(input);
    /(x+x+)+y/.test("x".repeat(5000));
    return [];
  },
};
