// import.meta: its properties, any resolve() it offers, and whether it tells
// host paths; a working resolve or a readable file is reported.
const meta = import.meta;
const found = [];
for (const key of Reflect.ownKeys(meta)) {
  const value = meta[key];
  if (typeof value === "function") {
    try {
      const result = value("fs");
      if (result !== undefined) found.push(String(key));
    } catch (e) {}
  }
}
export default {
  id: "escape-import-meta",
  scan() {
    return found.length ? [{ title: "SANDBOX-ESCAPED: import.meta " + found.join(","), severity: "high" }] : [];
  },
};
