// ICU objects kept across scans: each Intl.DateTimeFormat holds tens of KiB
// outside the V8 heap, which the heap limit does not see.
//! har-repeat 3
const kept = [];
export default {
  id: "mem-intl-kept",
  scan() {
    for (let i = 0; i < 800; i++) {
      kept.push(new Intl.DateTimeFormat(i % 2 ? "de-DE" : "ja-JP", {
        timeZone: i % 3 ? "Asia/Tokyo" : "America/New_York",
        dateStyle: "full",
        timeStyle: "long",
      }));
    }
    return [];
  },
};
