import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatJsonSchema, generateJsonSchemas } from '../src/json-schema.ts';
import { KNOWN_DIFFERENCES } from '../src/known-differences.ts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function writeJsonSchemas(): void {
  const outDir = join(packageDir, 'json-schema');
  mkdirSync(outDir, { recursive: true });
  const generated = generateJsonSchemas();
  const expected = new Set(generated.map((entry) => entry.fileName));
  // A contract that no longer exists must not leave a stale file behind.
  for (const file of readdirSync(outDir)) if (!expected.has(file)) rmSync(join(outDir, file));
  for (const { fileName, schema } of generated)
    writeFileSync(join(outDir, fileName), formatJsonSchema(schema));
  console.log(`wrote ${generated.length} schemas to ${outDir}`);
}

const START = '<!-- known-differences:start (generated from src/known-differences.ts by `pnpm generate`) -->';
const END = '<!-- known-differences:end -->';

/** Renders KNOWN_DIFFERENCES into the README between its markers, so the two cannot drift. */
function renderKnownDifferences(): void {
  const readmePath = join(packageDir, 'README.md');
  if (!existsSync(readmePath)) return;
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error('README.md lacks the known-differences markers');
  // A list rather than a table: the formatter would re-pad a table and the file would never be stable.
  const table = KNOWN_DIFFERENCES.map(
    (difference) =>
      `- \`${difference.id}\`: ${difference.summary}\n  Why: ${difference.reason}\n` +
      `  Witness verdicts: reference ${difference.verdicts.reference}, ours ${difference.verdicts.ours}.`,
  ).join('\n');
  writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
  console.log('rendered KNOWN_DIFFERENCES into README.md');
}

writeJsonSchemas();
renderKnownDifferences();
