// Recursion to the stack limit, caught and started again, for ever.
function dive(n) {
  return dive(n + 1) + 1;
}
export default {
  id: "hang-deep-recursion",
  scan() {
    for (;;) {
      try {
        dive(0);
      } catch (e) {}
    }
  },
};
