// console.* with values that lie when converted: Symbol.toPrimitive that
// spins, toString that recurses, proxies, huge strings.
const spin = { [Symbol.toPrimitive]() { for (;;) {} } };
const recurse = { toString() { return String(this); } };
const proxy = new Proxy({}, { get() { throw new Error("trap"); } });
export default {
  id: "forge-console-odd-values",
  scan() {
    console.log(recurse);
    console.log(proxy);
    console.error("z".repeat(2 ** 24));
    console.log(spin);
    return [];
  },
};
