// Every text field made of unpaired UTF-16 surrogates, reversed pairs and
// noncharacters, in findings and in an error message.
const odd = "\ud800\udc00\udbff\udfff\uDFFF\uD800x\uD83D\ufffe\uffff\u0000";
let n = 0;
export default {
  id: "forge-lone-surrogates",
  scan() {
    if (n++ % 2) throw new Error(odd.repeat(100));
    return [{ title: odd, severity: "low", description: odd, evidence: odd, param: odd,
              otherInfo: odd, solution: odd, references: [odd] }];
  },
};
