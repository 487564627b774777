#!/usr/bin/env node
// Validates SARIF logs against the SARIF 2.1.0 JSON schema with a real JSON
// Schema validator (ajv 6, which speaks the schema's draft-04 dialect).
//
//   node tests/sarif/sarif-validate.mjs FILE.sarif...   (or "-" for stdin)
//
// The schema is the 2.1.0 (rtm.5) schema that Microsoft ships in the
// @microsoft/jest-sarif package (MIT licence); it is read from node_modules,
// not vendored. Exit 0: every file is valid; 1: a file is invalid (errors on
// stderr); 2: usage error or unreadable input.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const draft04 = require('ajv/lib/refs/json-schema-draft-04.json');
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: sarif-validate FILE.sarif... (or - for stdin)');
  process.exit(2);
}

const ajv = new Ajv({ schemaId: 'auto', allErrors: true, format: 'full', jsonPointers: true });
ajv.addMetaSchema(draft04);
const validate = ajv.compile(schema);

let status = 0;
for (const file of files) {
  let log;
  try {
    log = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (e) {
    console.error(`${file}: cannot read or parse: ${e.message}`);
    process.exit(2);
  }
  if (validate(log)) {
    console.log(`${file}: valid SARIF 2.1.0 (${(log.runs || []).reduce((n, r) => n + (r.results || []).length, 0)} results)`);
  } else {
    status = 1;
    for (const err of validate.errors) {
      console.error(`${file}: ${err.dataPath || '/'} ${err.message} ${JSON.stringify(err.params)}`);
    }
  }
}
process.exit(status);
