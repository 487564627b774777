// An id of 16 MiB, invalid and quoted back in the load error.
export default {
  id: "A".repeat(2 ** 24),
  scan() {
    return [];
  },
};
