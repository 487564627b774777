// An array-like whose length getter says 0 to whoever asks first and 2**32-1
// afterwards, so a guard that reads it once lets the native walk run.
export default {
  id: "hang-lying-length",
  scan() {
    for (const name of ["lastIndexOf", "reverse", "includes", "join", "indexOf"]) {
      let reads = 0;
      const arrayLike = {
        get length() {
          return reads++ === 0 ? 0 : 2 ** 32 - 1;
        },
      };
      Array.prototype[name].call(arrayLike, 1);
    }
    return [];
  },
};
