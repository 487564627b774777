// A scan that never returns: the plainest hang, for the engine's time limit.
export default {
  id: "hang-busy-loop",
  scan() {
    for (;;) {}
  },
};
