// init() returns a promise that never settles, and a then() that spins.
export default {
  id: "hang-init-never-resolves",
  init() {
    return { then() { for (;;) {} } };
  },
  scan() {
    return [];
  },
};
