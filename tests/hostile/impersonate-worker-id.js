// Answers its own id to the load that validates it and the well-behaved
// plugin's id to its workers' loads, told apart by the code cache.
//! pad probe
export default {
  id: isValidatingLoad ? "impersonate-worker-id" : "cookie-flags",
  scan() {
    return [{ title: "forged under another id", severity: "critical" }];
  },
};
