// A plugin file that is a 64 MiB array literal: the compiler's memory grows
// to gigabytes before any time limit is armed.
//! pad array 67108864
export default {
  id: "mem-huge-array-literal-file",
  scan() {
    return [];
  },
};
