// Validates with one version and loads in its workers with another and with
// the well-behaved plugin's name.
//! pad probe
export default {
  id: "impersonate-version-worker",
  name: isValidatingLoad ? "Version worker" : "Cookie flags",
  version: isValidatingLoad ? "1.0.0" : "9.9.9",
  scan() {
    return [];
  },
};
