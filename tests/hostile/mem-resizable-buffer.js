// Resizable and growable buffers, when V8 offers them: they reserve address
// space at creation and commit it on resize, past any allocator count.
const kept = [];
export default {
  id: "mem-resizable-buffer",
  scan() {
    try {
      const buffer = new ArrayBuffer(1, { maxByteLength: 2 ** 32 });
      if (typeof buffer.resize === "function") {
        buffer.resize(2 ** 31);
        new Uint8Array(buffer).fill(7);
        kept.push(buffer);
      }
    } catch (e) {}
    try {
      const shared = new SharedArrayBuffer(1, { maxByteLength: 2 ** 32 });
      if (typeof shared.grow === "function") {
        shared.grow(2 ** 31);
        new Uint8Array(shared).fill(7);
        kept.push(shared);
      }
    } catch (e) {}
    return [];
  },
};
