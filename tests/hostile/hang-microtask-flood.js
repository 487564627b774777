// A chain of microtasks that never ends, left behind by a scan that has
// already returned.
export default {
  id: "hang-microtask-flood",
  scan() {
    const again = () => {
      Promise.resolve().then(again);
      Promise.resolve().then(again);
    };
    again();
    return [];
  },
};
