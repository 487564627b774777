// scan returns a thenable whose then() never calls back, then one that spins.
let scans = 0;
export default {
  id: "hang-thenable-result",
  scan() {
    scans++;
    if (scans % 2) return { then() {} };
    return { then() { for (;;) {} } };
  },
};
