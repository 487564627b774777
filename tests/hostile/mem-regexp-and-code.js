// Memory the heap limit may count late: huge compiled regexps and many
// distinct functions made with new Function, kept across scans.
const kept = [];
export default {
  id: "mem-regexp-and-code",
  scan() {
    try {
      for (let i = 0; i < 200; i++) {
        const source = "(?:" + Array.from({ length: 2000 }, (_, j) => "w" + i + "_" + j).join("|") + ")";
        const regexp = new RegExp(source, "g");
        regexp.test("w" + i + "_1999");
        kept.push(regexp);
      }
      for (let i = 0; i < 20000; i++) kept.push(new Function("a", "return a + " + i + ";"));
    } catch (e) {}
    return [];
  },
};
