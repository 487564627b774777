// Tampers with warden:std's exported functions (their properties, call,
// prototypes), which the well-behaved plugin imports too.
import * as std from "warden:std";
for (const name of Object.keys(std)) {
  const value = std[name];
  try { std[name] = () => "forged"; } catch (e) {}
  if (typeof value === "function") {
    try { value.call = () => ["forged"]; } catch (e) {}
    try { value.apply = () => ["forged"]; } catch (e) {}
    try { Object.setPrototypeOf(value, { call: () => "forged" }); } catch (e) {}
  }
}
Function.prototype.call = function () { return "forged"; };
export default {
  id: "leak-std-module-tamper",
  scan(txn) {
    return [{ title: "std says " + std.header(txn.response.headers, "set-cookie"), severity: "info" }];
  },
};
