import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatJsonSchema, generateJsonSchemas } from '../src/json-schema.ts';
import { KNOWN_DIFFERENCES } from '../src/known-differences.ts';
import { KNOWN_DIFFERENCES_V2 } from '../src/v2/known-differences.ts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** v1 files at the top of json-schema/, v2 files in json-schema/v2/. */
const VERSION_DIRS = { v1: '', v2: 'v2' } as const;

function writeJsonSchemas(version: keyof typeof VERSION_DIRS): void {
  const outDir = join(packageDir, 'json-schema', VERSION_DIRS[version]);
  mkdirSync(outDir, { recursive: true });
  const generated = generateJsonSchemas(version);
  const expected = new Set(generated.map((entry) => entry.fileName));
  // A contract that no longer exists must not leave a stale file behind (version folders stay).
  for (const entry of readdirSync(outDir, { withFileTypes: true }))
    if (entry.isFile() && !expected.has(entry.name)) rmSync(join(outDir, entry.name));
  for (const { fileName, schema } of generated)
    writeFileSync(join(outDir, fileName), formatJsonSchema(schema));
  console.log(`wrote ${generated.length} schemas to ${outDir}`);
}

/** Replaces the text between a README's start and end markers. */
function renderBetween(readme: string, start: string, end: string, body: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`README.md lacks the markers ${start} ... ${end}`);
  return `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`;
}

// Lists rather than tables: the formatter would re-pad a table and the file would never be stable.
const v1List = () =>
  KNOWN_DIFFERENCES.map(
    (difference) =>
      `- \`${difference.id}\`: ${difference.summary}\n  Why: ${difference.reason}\n` +
      `  Witness verdicts: reference ${difference.verdicts.reference}, ours ${difference.verdicts.ours}.`,
  ).join('\n');

const v2List = () =>
  KNOWN_DIFFERENCES_V2.map(
    (difference) =>
      `- \`${difference.id}\` (${difference.decision === 'intent' ? 'stated intent' : 'schema as written'}): ${difference.summary}\n  Why: ${difference.reason}\n` +
      `  Witness verdicts: upstream ${difference.verdicts.upstream}, ours ${difference.verdicts.ours}` +
      (difference.upstreamReports === undefined
        ? '.'
        : `; upstream also reports \`${difference.upstreamReports.missingProperty}\` missing at \`${difference.upstreamReports.instancePath}\`.`),
  ).join('\n');

/** Renders KNOWN_DIFFERENCES and KNOWN_DIFFERENCES_V2 into the README between their markers. */
function renderKnownDifferences(): void {
  const readmePath = join(packageDir, 'README.md');
  if (!existsSync(readmePath)) return;
  let readme = readFileSync(readmePath, 'utf8');
  readme = renderBetween(
    readme,
    '<!-- known-differences:start (generated from src/known-differences.ts by `pnpm generate`) -->',
    '<!-- known-differences:end -->',
    v1List(),
  );
  readme = renderBetween(
    readme,
    '<!-- known-differences-v2:start (generated from src/v2/known-differences.ts by `pnpm generate`) -->',
    '<!-- known-differences-v2:end -->',
    v2List(),
  );
  writeFileSync(readmePath, readme);
  console.log('rendered KNOWN_DIFFERENCES and KNOWN_DIFFERENCES_V2 into README.md');
}

writeJsonSchemas('v1');
writeJsonSchemas('v2');
renderKnownDifferences();
