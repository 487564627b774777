// Findings whose fields are getters: a valid value on the first read, then
// something else, a throw or an endless loop; an array whose length changes.
let reads = 0;
function finding() {
  return {
    get title() { return reads++ % 2 ? "x".repeat(1 << 22) : "getter"; },
    get severity() { return reads++ % 3 ? "low" : "apocalyptic"; },
    get description() { if (reads++ > 50) for (;;) {} return "d"; },
    get evidence() { throw new Error("evidence"); },
  };
}
export default {
  id: "forge-getter-findings",
  scan() {
    const list = [finding(), finding()];
    let lengthReads = 0;
    Object.defineProperty(list, "1", { get() { list.length = 0; return finding(); } });
    return new Proxy(list, {
      get(target, key) {
        if (key === "length") return lengthReads++ ? 1e9 : 2;
        return Reflect.get(target, key);
      },
    });
  },
};
