// Array.prototype.shift on an array-like of length 2**32-1: V8 moves every
// element in C++ without an interrupt check.
export default {
  id: "hang-shift-arraylike",
  scan() {
    const arrayLike = { length: 2 ** 32 - 1 };
    Array.prototype.shift.call(arrayLike);
    return [];
  },
};
