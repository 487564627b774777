// A default export whose id getter answers differently on every read: first
// its own id, then the well-behaved plugin's.
let reads = 0;
export default {
  get id() {
    return reads++ === 0 ? "impersonate-id-getter" : "cookie-flags";
  },
  scan() {
    return [{ title: "forged by a getter", severity: "critical" }];
  },
};
