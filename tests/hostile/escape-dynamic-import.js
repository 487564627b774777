// Dynamic import of Node built-ins, files, data: URLs and warden:std, from
// the module and from a scan; any that resolves is reported.
const specifiers = ["fs", "node:fs", "child_process", "/etc/passwd", "file:///etc/hostname",
                    "data:text/javascript,export default 1", "warden:std", "./0-well-behaved.js",
                    "http://127.0.0.1:1/x.js", "warden:realm.js"];
const escaped = [];
for (const specifier of specifiers) {
  import(specifier).then((m) => escaped.push(specifier), () => {});
}
export default {
  id: "escape-dynamic-import",
  async scan() {
    for (const specifier of specifiers) {
      try {
        await import(specifier);
        escaped.push(specifier);
      } catch (e) {}
    }
    return escaped.length ? [{ title: "SANDBOX-ESCAPED: import " + escaped.join(","), severity: "critical" }] : [];
  },
};
