// ICU on huge inputs: Intl.Collator, localeCompare and normalize walk the
// whole string outside V8's interrupt checks, seconds per call, so the
// failures come too slowly for a failures-per-window rule.
//! har-repeat 5
export default {
  id: "hang-intl-huge",
  scan() {
    const a = "a\u0301".repeat(2 ** 22);
    const b = a + "b";
    const collator = new Intl.Collator("de", { sensitivity: "base" });
    for (;;) {
      collator.compare(a, b);
      a.localeCompare(b, "fr");
      a.normalize("NFKD");
    }
  },
};
