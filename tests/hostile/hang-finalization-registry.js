// A FinalizationRegistry callback that loops forever: it runs between scans,
// when the engine drains V8's pending tasks.
const registry = new FinalizationRegistry(() => {
  for (;;) {}
});
export default {
  id: "hang-finalization-registry",
  scan() {
    for (let i = 0; i < 10000; i++) registry.register({ i }, i);
    // Garbage, so the registrations come due.
    for (let i = 0; i < 200; i++) new Array(10000).fill(i);
    return [];
  },
};
