// Array.prototype.concat of a spreadable array-like of length 2**32-2: the
// slow path visits every index in C++.
export default {
  id: "hang-concat-spreadable",
  scan() {
    const arrayLike = { length: 2 ** 32 - 2, [Symbol.isConcatSpreadable]: true };
    [].concat(arrayLike);
    return [];
  },
};
