// A Proxy array-like: the length trap counts its reads and lies after the
// first, the element traps answer "absent" as fast as they can.
export default {
  id: "hang-proxy-length",
  scan() {
    let reads = 0;
    const target = {};
    const arrayLike = new Proxy(target, {
      get(t, key) {
        if (key === "length") return reads++ < 1 ? 1 : 2 ** 32 - 1;
        return undefined;
      },
      has() {
        return false;
      },
    });
    Array.prototype.lastIndexOf.call(arrayLike, 1);
    Array.prototype.reverse.call(arrayLike);
    return [];
  },
};
