// Validates quickly, then every worker load spins until the load limit.
//! har-repeat 5
//! pad probe
if (!isValidatingLoad) for (;;) {}
export default {
  id: "policy-worker-load-spin",
  scan() {
    return [];
  },
};
