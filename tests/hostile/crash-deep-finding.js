// Findings whose unknown fields nest a million levels deep, and an evidence
// value that is such an object, for a host that walks them.
let deep = {};
for (let i = 0; i < 1e6; i++) deep = { deep };
let deepArray = [];
for (let i = 0; i < 1e6; i++) deepArray = [deepArray];
export default {
  id: "crash-deep-finding",
  scan() {
    return [
      { title: "deep", severity: "info", extra: deep, more: deepArray },
      { title: "deep evidence", severity: "info", evidence: deep },
      { title: "deep references", severity: "info", references: deepArray },
    ];
  },
};
