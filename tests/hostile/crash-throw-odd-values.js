// Throws what is not an Error: a Symbol, a Proxy whose traps throw, an object
// whose toString recurses, a revoked proxy, null, a 16 MiB string.
const values = [
  () => Symbol("s"),
  () => new Proxy({}, { get() { throw new Proxy({}, {}); }, getPrototypeOf() { throw 1; } }),
  () => ({ toString() { return this.toString() + "x"; } }),
  () => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; },
  () => null,
  () => "t".repeat(2 ** 24),
  () => ({ get stack() { throw this; }, get message() { return { toString: () => { throw 0; } }; } }),
];
let n = 0;
export default {
  id: "crash-throw-odd-values",
  scan() {
    throw values[n++ % values.length]();
  },
};
