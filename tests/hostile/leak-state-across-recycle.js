// Leaves marks on globalThis and the shared prototypes, forces its worker to
// be replaced every few scans, and reports a mark that survived into a fresh
// load.
const leaked = [];
if (globalThis.__hostileMark !== undefined) leaked.push("globalThis");
if (Object.prototype.__hostileMark !== undefined) leaked.push("Object.prototype");
if (Array.prototype.__hostileMark !== undefined) leaked.push("Array.prototype");
if (typeof Symbol.for("hostile-mark").description === "string" && globalThis[Symbol.for("hostile-mark")]) {
  leaked.push("symbol registry");
}
globalThis.__hostileMark = 1;
Object.prototype.__hostileMark = 1;
Array.prototype.__hostileMark = 1;
globalThis[Symbol.for("hostile-mark")] = 1;
let n = 0;
export default {
  id: "leak-state-across-recycle",
  scan() {
    if (leaked.length) return [{ title: "SANDBOX-ESCAPED: state survived a reload: " + leaked, severity: "critical" }];
    if (++n % 3 === 0) for (;;) {}
    return [];
  },
};
