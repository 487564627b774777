// Skewed-workload light plugin (bench only): a Server or X-Powered-By header
// that names a version number.
import { headerValues } from "warden:std";

const VERSIONED = /\d{1,4}\.\d{1,4}/;

export default {
  id: "skewed-server-version",
  version: "1.0.0",
  scan(txn) {
    const headers = (txn.response || {}).headers;
    for (const name of ["server", "x-powered-by", "x-aspnet-version"]) {
      const value = headerValues(headers, name)[0];
      if (value && VERSIONED.test(value)) {
        return [{ title: `Version disclosed in ${name}`, severity: "info", evidence: `${name}: ${value.slice(0, 60)}` }];
      }
    }
    return [];
  },
};
