// JSON.parse of deeply nested and of huge inputs, each as large as a string
// may be in a 64 MiB heap.
export default {
  id: "hang-json-parse-huge",
  scan() {
    try {
      JSON.parse("[".repeat(2 ** 24));
    } catch (e) {}
    try {
      JSON.parse('"' + "\\u0041".repeat(2 ** 22) + '"');
    } catch (e) {}
    const big = "[" + "1,".repeat(2 ** 22) + "1]";
    for (;;) JSON.parse(big);
  },
};
