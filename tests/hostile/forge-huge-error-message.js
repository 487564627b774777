// Every scan fails with a 16 MiB message and stack, for a host that copies
// them into every report line.
export default {
  id: "forge-huge-error-message",
  scan() {
    const error = new Error("m".repeat(2 ** 24));
    error.stack = "\x1b[31m".repeat(2 ** 20);
    throw error;
  },
};
