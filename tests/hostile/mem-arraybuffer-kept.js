// ArrayBuffers, SharedArrayBuffers and typed arrays kept across scans, as much
// as each scan is allowed, outside the V8 heap.
const kept = [];
export default {
  id: "mem-arraybuffer-kept",
  scan() {
    for (let i = 0; i < 64; i++) {
      try {
        const buffer = i % 2 ? new SharedArrayBuffer(8 << 20) : new ArrayBuffer(8 << 20);
        new Uint8Array(buffer).fill(i + 1);
        kept.push(buffer);
      } catch (e) {
        break;
      }
    }
    return [];
  },
};
