// 999 findings that all share one 512 KiB string in every text field: cheap
// in the isolate, costly for a host that copies it out once per field.
const shared = "e".repeat(512 * 1024);
export default {
  id: "mem-shared-string-findings",
  scan() {
    const findings = [];
    for (let i = 0; i < 999; i++) {
      findings.push({
        title: shared, severity: "low", description: shared, evidence: shared,
        param: shared, otherInfo: shared, solution: shared, references: [shared, shared, shared],
      });
    }
    return findings;
  },
};
