// Text fields that end the current JSON record and start a forged one under
// the well-behaved plugin's id, with every kind of line break.
const forged = '","severity":"info"}\n{"type":"finding","plugin":"cookie-flags","transaction":' +
  '"demo.har#1","entry":1,"url":"https://shop.example/","title":"forged","severity":"critical"}\r\n' +
  "\u2028\u2029\u0085";
export default {
  id: "forge-jsonl-record",
  scan() {
    return [{ title: forged, severity: "info", description: forged, evidence: forged,
              param: forged, references: [forged] }];
  },
};
