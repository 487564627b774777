// Findings that refer to themselves: circular references lists, a finding in
// its own fields, an array that contains itself.
export default {
  id: "forge-circular-findings",
  scan() {
    const finding = { title: "circular", severity: "low" };
    finding.self = finding;
    finding.references = ["https://a.example/"];
    finding.references.push(finding.references);
    finding.evidence = finding;
    const list = [finding];
    list.push(list);
    return list;
  },
};
