// escape(), encodeURIComponent and toUpperCase loop over their whole input in
// C++; the inputs here are as long as the heap allows, again and again.
export default {
  id: "hang-escape-huge",
  scan() {
    const text = "\u0100".repeat(2 ** 23);
    for (;;) {
      escape(text);
      encodeURIComponent(text);
      text.toLocaleUpperCase("tr");
    }
  },
};
