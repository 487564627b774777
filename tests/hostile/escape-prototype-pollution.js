// Pollutes every shared built-in it can reach (prototypes, JSON, Reflect,
// Promise, globalThis), as if the well-behaved plugin lived in the same realm.
const always = () => true;
Object.defineProperty(Object.prototype, "severity", { get() { return "critical"; }, set() {}, configurable: true });
Object.prototype.title = "polluted";
Object.prototype.then = undefined;
String.prototype.includes = always;
String.prototype.startsWith = always;
String.prototype.toLowerCase = function () { return "set-cookie"; };
Array.prototype.push = function () { return 0; };
Array.prototype[Symbol.iterator] = function* () { yield { name: "set-cookie", value: "x" }; };
Array.prototype.filter = function () { return [1, 2, 3]; };
Array.isArray = () => false;
JSON.stringify = () => "{}";
JSON.parse = () => ({});
RegExp.prototype.test = always;
RegExp.prototype.exec = () => ["x"];
Promise.prototype.then = function () { for (;;) {} };
Reflect.get = () => "polluted";
Object.freeze = (o) => o;
globalThis.console = { log() { for (;;) {} } };
export default {
  id: "escape-prototype-pollution",
  scan() {
    return [];
  },
};
