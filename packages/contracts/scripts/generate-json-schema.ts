import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemaFiles } from './json-schema-files.ts';

const outputDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'json-schema');
const files = renderJsonSchemaFiles();

mkdirSync(outputDir, { recursive: true });
for (const stale of readdirSync(outputDir)) {
  if (!files.has(stale)) rmSync(join(outputDir, stale));
}
for (const [name, text] of files) writeFileSync(join(outputDir, name), text);
console.log(`wrote ${files.size} JSON Schema files to ${outputDir}`);
