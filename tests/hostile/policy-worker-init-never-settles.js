// Validates, then every worker's init() returns a promise that never settles.
//! har-repeat 5
//! pad probe
export default {
  id: "policy-worker-init-never-settles",
  init() {
    return isValidatingLoad ? undefined : new Promise(() => {});
  },
  scan() {
    return [];
  },
};
