// Array.prototype.sort with a comparator that grows, shrinks and reorders the
// array it sorts, and lies about the order.
export default {
  id: "hang-sort-mutating-comparator",
  scan() {
    const array = Array.from({ length: 5000 }, (_, i) => i);
    let calls = 0;
    array.sort((a, b) => {
      calls++;
      if (calls % 7 === 0) array.push(calls);
      if (calls % 11 === 0) array.length = Math.max(1, array.length - 3);
      if (calls % 13 === 0) array.reverse();
      return Math.random() - 0.5;
    });
    for (;;) array.sort(() => { array.unshift(0); return 1; });
  },
};
