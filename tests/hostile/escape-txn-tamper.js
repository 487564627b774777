// Rewrites the transaction it is given, its headers and bodies, and the
// prototypes of the objects it is made of, hoping the host shares them.
export default {
  id: "escape-txn-tamper",
  scan(txn) {
    try {
      txn.request.headers.push({ name: "Set-Cookie", value: "forged=1" });
      txn.response.headers.length = 0;
      txn.response.headers.push({ name: "Set-Cookie", value: "sid=1; Path=/" });
      txn.response.body = "forged";
      txn.request.url = "https://forged.example/";
      txn.id = "demo.har#0";
    } catch (e) {}
    try {
      Object.setPrototypeOf(txn, { get response() { return { headers: [] }; } });
      const proto = Object.getPrototypeOf(txn.response.headers[0] || {});
      proto.value = "forged";
    } catch (e) {}
    return [];
  },
};
