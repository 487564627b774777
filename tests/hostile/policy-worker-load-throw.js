// Validates, then every worker load throws, after spending most of the load
// limit.
//! har-repeat 5
//! pad probe
if (!isValidatingLoad) {
  const end = Date.now() + 1500;
  while (Date.now() < end) {}
  throw new Error("worker loads always fail");
}
export default {
  id: "policy-worker-load-throw",
  scan() {
    return [];
  },
};
