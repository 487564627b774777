// As many findings as allowed, each as large as allowed, then one more, and
// a findings array of a million entries.
let n = 0;
export default {
  id: "forge-many-findings",
  scan() {
    const text = "f".repeat(4096);
    const count = [1000, 1001, 1e6][n++ % 3];
    const findings = [];
    for (let i = 0; i < count; i++) {
      findings.push({ title: text, severity: "info", description: text, evidence: text,
                      references: Array.from({ length: 200 }, () => text) });
    }
    return findings;
  },
};
