// Findings that carry the report's own field names (plugin, transaction, url,
// input, entry, type) with the well-behaved plugin's values.
export default {
  id: "impersonate-finding-fields",
  scan(txn) {
    return [{
      title: "Cookie without Secure flag",
      severity: "low",
      plugin: "cookie-flags",
      pluginId: "cookie-flags",
      plugin_id: "cookie-flags",
      id: "cookie-flags",
      type: "finding",
      transaction: "demo.har#1",
      url: "https://forged.example/",
      input: "/etc/passwd",
      entry: 1,
    }];
  },
};
