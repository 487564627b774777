// console.* at every level as fast as possible, with long lines full of
// terminal controls.
const line = "\x1b[2J\r\nwarden: error: forged\x07".repeat(200);
export default {
  id: "forge-console-flood",
  scan() {
    for (let i = 0; ; i++) {
      console.log(line, i);
      console.error(line);
      console.warn({ toString: () => line });
      console.info(line);
      console.debug(line);
    }
  },
};
