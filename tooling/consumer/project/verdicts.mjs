// Runs in the consumer project (ESM): every reference example through `validate` of the installed
// @engine-kit/vtn-standard, compared with its folder, then written out with the schema each is
// checked against, for check-schemas.py. Usage: node verdicts.mjs OUT.json [V2_EXAMPLES_DIR]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { validate } from '@engine-kit/vtn-standard';

const require = createRequire(import.meta.url);
const { referenceExamples, examplesIn } = require('./reference-examples.cjs');
const [outFile, v2Dir] = process.argv.slice(2);
const schemaRoot = join(process.cwd(), 'node_modules', '@engine-kit', 'vtn-standard', 'json-schema');
const idOf = (file) => JSON.parse(readFileSync(join(schemaRoot, file), 'utf8')).$id;

const cases = [];
let folderMismatches = 0;
const examples = referenceExamples(process.cwd());
for (const { id, contract, document, valid } of examples) {
  const byContract = validate(document, { contract }).success;
  if (byContract !== valid) {
    folderMismatches += 1;
    console.error(`validate(${id}, { contract: '${contract}' }) is ${byContract}; its folder says ${valid}`);
  }
  cases.push({
    id: `${id} as ${contract}`,
    schema: idOf(`${contract}.schema.json`),
    document,
    expected: byContract,
  });
  cases.push({
    id: `${id} whole`,
    schema: idOf('vtn-standard.schema.json'),
    document,
    expected: validate(document).success,
  });
}

// Regex cases where Python's `re` and ECMA-262 read the same pattern differently.
const uuid = '0b0e5d2c-1f1a-4a57-9a4e-6b2f0c1d2e3f';
// A structured-data schema id declared in validationContracts, with data for it.
const structuredData = (id) => ({
  validationContracts: [id],
  series: [{ startTimeMs: 0, stopTimeMs: 1, structuredData: { [id]: { total: 1 } } }],
});
const witnesses = [
  ['uuid contract name', structuredData(uuid)],
  ['uuid contract name + trailing newline', structuredData(`${uuid}\n`)],
  ['date-time', { generatedDateUTC: '2019-04-24T21:24:13.000Z' }],
  ['date-time + trailing newline', { generatedDateUTC: '2019-04-24T21:24:13.000Z\n' }],
  ['date-time in Arabic-Indic digits', { generatedDateUTC: '٢٠١٩-٠٤-٢٤T21:24:13.000Z' }],
  ['date-time with a space separator', { generatedDateUTC: '2019-04-24 21:24:13Z' }],
  ['date-time with a non-breaking space separator', { generatedDateUTC: '2019-04-24\u00a021:24:13Z' }],
];
for (const [name, document] of witnesses) {
  cases.push({
    id: `regex: ${name}`,
    schema: idOf('vtn-standard.schema.json'),
    document,
    expected: validate(document).success,
  });
}
const expectedWitnesses = [true, false, true, false, false, true, true];
witnesses.forEach(([name, document], index) => {
  if (validate(document).success !== expectedWitnesses[index]) {
    folderMismatches += 1;
    console.error(
      `validate on "${name}" is ${validate(document).success}, expected ${expectedWitnesses[index]}`,
    );
  }
});

// VTN 2, when the package ships its schemas: the upstream examples vendored in the repository.
let v2Count = 0;
if (existsSync(join(schemaRoot, 'v2', 'aion.schema.json')) && !(v2Dir && existsSync(v2Dir))) {
  // The package ships v2 schemas: not checking them would be a silent skip.
  console.error(`the VTN 2 examples folder ${v2Dir} does not exist`);
  folderMismatches += 1;
} else if (v2Dir && existsSync(join(schemaRoot, 'v2', 'aion.schema.json'))) {
  const v2Schema = JSON.parse(readFileSync(join(schemaRoot, 'v2', 'aion.schema.json'), 'utf8')).$id;
  for (const { id, document, valid } of examplesIn(v2Dir)) {
    const verdict = validate(document, { version: 'v2' }).success;
    if (verdict !== valid) {
      folderMismatches += 1;
      console.error(`validate(${id}, { version: 'v2' }) is ${verdict}; its folder says ${valid}`);
    }
    cases.push({ id: `v2 ${id}`, schema: v2Schema, document, expected: verdict });
    v2Count += 1;
  }
}

writeFileSync(outFile, JSON.stringify({ schemaRoots: [schemaRoot], cases }));
console.log(
  `validate (ESM): ${examples.length} reference examples, ${v2Count} v2 examples, ${witnesses.length} regex cases, ${folderMismatches} mismatches`,
);
process.exitCode = folderMismatches === 0 && examples.length === 183 ? 0 : 1;
