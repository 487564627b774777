// Typed arrays and buffers of the largest lengths V8 accepts, and growing a
// SharedArrayBuffer-backed view.
export default {
  id: "crash-typedarray-max",
  scan() {
    const kept = [];
    for (const make of [
      () => new Uint8Array(2 ** 32),
      () => new Float64Array(2 ** 29),
      () => new BigUint64Array(2 ** 29 - 1),
      () => new ArrayBuffer(2 ** 33),
      () => new SharedArrayBuffer(2 ** 32),
      () => new Uint8Array(new ArrayBuffer(2 ** 31)).fill(1),
      () => new DataView(new ArrayBuffer(2 ** 25 + 1)),
    ]) {
      try { kept.push(make()); } catch (e) {}
    }
    for (let i = 0; i < 1000; i++) {
      try { kept.push(new Uint8Array(2 ** 24).fill(i)); } catch (e) { break; }
    }
    return [];
  },
};
