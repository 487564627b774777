// An invalid id made of terminal controls, quoted back in the load error.
export default {
  id: "x\x1b]8;;http://evil.example\x07link\x1b]8;;\x07\r\nwarden: info: all plugins loaded\u009b2J",
  scan() {
    return [];
  },
};
