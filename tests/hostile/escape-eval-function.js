// eval, Function and the constructors of async and generator functions, used
// to reach a global object other than the plugin's own or a host object.
const found = [];
const ownGlobal = globalThis;
const makers = [
  (code) => eval(code),
  (code) => (0, eval)(code),
  (code) => Function(code)(),
  (code) => Object.getPrototypeOf(function* () {}).constructor(code)().next().value,
  (code) => Object.getPrototypeOf(async function () {}).constructor(code)(),
];
for (const make of makers) {
  try {
    const other = make("return this");
    if (other && other !== ownGlobal && typeof other === "object" && !(other instanceof Promise)) found.push("global");
  } catch (e) {}
  try {
    const value = make("return typeof require === 'function' ? require('fs') : undefined");
    if (value && typeof value.readFileSync === "function") found.push("fs");
  } catch (e) {}
}
export default {
  id: "escape-eval-function",
  scan() {
    return found.length ? [{ title: "SANDBOX-ESCAPED: " + found.join(","), severity: "critical" }] : [];
  },
};
