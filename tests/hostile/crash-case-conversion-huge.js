// Case conversion of a two-byte string of V8's maximum length: the 1 GiB
// result is allocated in one piece after the heap limit was reached, a fatal
// out-of-memory error.
let n = 0;
export default {
  id: "crash-case-conversion-huge",
  scan() {
    const big = "\u0101".repeat(2 ** 29 - 24);
    const convert = ["toUpperCase", "toLowerCase", "toLocaleUpperCase", "toLocaleLowerCase"][n++ % 4];
    return [{ title: "converted " + big[convert]().length, severity: "info" }];
  },
};
