// A scan that stops being a function after the load: replaced by a number,
// then deleted, then a getter that throws.
const plugin = {
  id: "abort-scan-not-function",
  scan() {
    plugin.scan = 42;
    return [];
  },
};
export default plugin;
