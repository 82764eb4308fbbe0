// Runs in the consumer project (CommonJS): every package loads through `require`, and `validate`
// gives every reference example its folder's verdict. Usage: node smoke.cjs
const { validate } = require('@engine-kit/vtn-standard');
const { validateManifest, parseHeartbeat } = require('@engine-kit/contracts');
const { createEngine } = require('@engine-kit/engine');
const { runProcess } = require('@engine-kit/toolkit');
const { startCoreEmulator } = require('@engine-kit/core-emulator');
const { createLibraryClient } = require('@engine-kit/library-client');
const { ModelCache } = require('@engine-kit/model-cache');
const { renderProject } = require('create-engine-kit');
const { referenceExamples } = require('./reference-examples.cjs');

for (const [name, value] of Object.entries({
  validateManifest,
  parseHeartbeat,
  createEngine,
  runProcess,
  startCoreEmulator,
  createLibraryClient,
  ModelCache,
  renderProject,
})) {
  if (typeof value !== 'function') throw new Error(`require: ${name} is ${typeof value}`);
}

let mismatches = 0;
const examples = referenceExamples(process.cwd());
for (const { id, contract, document, valid } of examples) {
  if (validate(document, { contract }).success !== valid) {
    mismatches += 1;
    console.error(`validate(${id}) disagrees with its folder`);
  }
}
const heartbeat = parseHeartbeat({ status: 'running', infoMs: 'legacy spelling' });
if (!heartbeat.success) throw new Error(`parseHeartbeat rejected a heartbeat: ${JSON.stringify(heartbeat)}`);
console.log(`validate (CJS): ${examples.length} reference examples, ${mismatches} mismatches`);
process.exitCode = mismatches === 0 && examples.length === 183 ? 0 : 1;
