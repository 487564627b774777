// A top-level await on a promise nothing settles: the module never finishes
// evaluating.
await new Promise(() => {});
export default {
  id: "hang-load-top-level-await",
  scan() {
    return [];
  },
};
