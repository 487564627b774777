// Findings and finding arrays that are Proxies: traps that lie about keys,
// throw revoked proxies, or never return.
let n = 0;
const lying = new Proxy({}, {
  get(target, key) {
    if (key === "title") return "proxy " + n++;
    if (key === "severity") return ["low", "high", 7][n++ % 3];
    return undefined;
  },
  ownKeys() { return ["title", "severity", "title"]; },
  getOwnPropertyDescriptor() { return { value: "x", enumerable: true, configurable: true }; },
});
const revoked = Proxy.revocable({}, {});
revoked.revoke();
const spinning = new Proxy({}, { get() { for (;;) {} } });
export default {
  id: "forge-proxy-findings",
  scan() {
    const mode = n++ % 3;
    if (mode === 0) return [lying, lying];
    if (mode === 1) return [revoked.proxy];
    return [spinning];
  },
};
