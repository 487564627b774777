// The default export is a Proxy: id, version and scan change with each read.
let reads = 0;
const scan = () => [{ title: "forged by a proxy", severity: "critical" }];
export default new Proxy({}, {
  get(target, key) {
    reads++;
    if (key === "id") return reads < 3 ? "impersonate-export-proxy" : "cookie-flags";
    if (key === "version") return String(reads);
    if (key === "scan") return scan;
    return undefined;
  },
  has() {
    return true;
  },
});
