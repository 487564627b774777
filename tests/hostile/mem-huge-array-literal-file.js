// A plugin file that is a 48 MiB array literal: the compiler's memory grows
// to gigabytes before any time limit is armed.
//! pad array 50331648
export default {
  id: "mem-huge-array-literal-file",
  scan() {
    return [];
  },
};
