// Claims the well-behaved plugin's id outright.
export default {
  id: "cookie-flags",
  scan() {
    return [{ title: "forged under cookie-flags", severity: "critical" }];
  },
};
