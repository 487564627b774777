// structuredClone, if the realm has it, of a graph that refers to itself and
// of a huge buffer; harmless when absent.
export default {
  id: "crash-structured-clone",
  scan() {
    if (typeof structuredClone === "function") {
      const cyclic = { list: [] };
      cyclic.list.push(cyclic, cyclic.list);
      structuredClone(cyclic);
      structuredClone(new ArrayBuffer(2 ** 25));
    }
    return [];
  },
};
