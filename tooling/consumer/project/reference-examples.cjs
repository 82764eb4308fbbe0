// Shared by verdicts.mjs and smoke.cjs: the reference examples of veritone-json-schemas@1.2.0
// (installed from npm into the consumer project) and the folder verdict of each.
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

function examplesIn(root) {
  const found = [];
  for (const contract of readdirSync(root).sort()) {
    for (const [folder, valid] of [
      ['examples', true],
      ['invalid-examples', false],
    ]) {
      const dir = join(root, contract, folder);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) {
        if (!name.endsWith('.json')) continue;
        const document = JSON.parse(readFileSync(join(dir, name), 'utf8'));
        found.push({ id: `${contract}/${folder}/${name}`, contract, document, valid });
      }
    }
  }
  return found;
}

module.exports = {
  referenceExamples: (projectDir) =>
    examplesIn(join(projectDir, 'node_modules', 'veritone-json-schemas', 'schemas', 'vtn-standard')),
  examplesIn,
};
