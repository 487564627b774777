// Each scan spins on Date.now() and Math.random() to just under the time
// limit: slow, legal, and it must not starve the other plugin.
export default {
  id: "hang-date-spin",
  scan() {
    const end = Date.now() + 450;
    let x = 0;
    while (Date.now() < end) x += Math.random();
    return x > 0 ? [] : [{ title: "never", severity: "info" }];
  },
};
