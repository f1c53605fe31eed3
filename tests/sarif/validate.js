#!/usr/bin/env node
// Validates SARIF files against the OASIS SARIF 2.1.0 JSON schema (JSON Schema draft-04)
// with Ajv; prints each error and exits 1 when any file is invalid.
// Usage: node validate.js SCHEMA FILE...
'use strict';
const fs = require('fs');
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  console.error('usage: validate.js SCHEMA FILE...');
  process.exit(2);
}
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
let failed = 0;
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    failed++;
    continue;
  }
  if (validate(doc)) {
    console.log(`${file}: valid`);
  } else {
    failed++;
    for (const err of validate.errors)
      console.error(`${file}: ${err.instancePath || '/'} ${err.message}`);
  }
}
process.exit(failed ? 1 : 0);
