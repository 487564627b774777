// Finding fields that are objects pretending to be strings: toJSON,
// toString, valueOf and Symbol.toPrimitive that throw, spin or change.
let n = 0;
const liar = {
  toString() { return "title " + n++; },
  valueOf() { return 1; },
  toJSON() { for (;;) {} },
  [Symbol.toPrimitive]() { return n++ % 2 ? "high" : { not: "a primitive" }; },
};
const spinner = { toString() { for (;;) {} } };
export default {
  id: "forge-tostring-findings",
  scan() {
    return [
      { title: liar, severity: liar },
      { title: "t", severity: "low", description: spinner, evidence: liar, cwe: liar },
      { title: new String("boxed"), severity: new String("low") },
      { title: "t", severity: "low", references: { length: 3, 0: liar, 1: spinner } },
    ];
  },
};
