// Imports a Node built-in statically: a load error for this file only.
import fs from "fs";
export default {
  id: "abort-static-import-denied",
  scan() {
    return [{ title: "SANDBOX-ESCAPED: fs " + typeof fs, severity: "critical" }];
  },
};
