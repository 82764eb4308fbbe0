import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { DOCS_ONLY_CONTRACTS, REFERENCE_CONTRACTS } from '../common/contract-names.ts';
import { CONTRACT_NAMES_V2 } from '../v2/names.ts';
import { validate } from '../validate.ts';
import { resolveVtnVersion, type VtnVersion } from '../version.ts';
import { CliInputError, readJsonDocument } from './io.ts';

export interface ReportRow {
  file: string;
  /** The contract checked, or `declared` when the document's own validationContracts decided. */
  contract: string;
  expected: 'valid' | 'invalid' | undefined;
  verdict: 'valid' | 'invalid' | 'unreadable';
  /** The VTN version applied (`-` for an unreadable file). */
  version: VtnVersion | '-';
  firstIssue: string | undefined;
}

export interface Report {
  rows: ReportRow[];
  skippedSchemas: number;
}

const contractFolders: Readonly<Record<VtnVersion, ReadonlySet<string>>> = {
  v1: new Set([...REFERENCE_CONTRACTS, ...DOCS_ONLY_CONTRACTS]),
  // Upstream's v2 layout is aion/examples and aion/invalid-examples.
  v2: new Set(['aion', ...CONTRACT_NAMES_V2]),
};
const expectationFolders: Readonly<Record<string, 'valid' | 'invalid'>> = {
  examples: 'valid',
  'invalid-examples': 'invalid',
};

function jsonFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') files.push(...jsonFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith('.json')) files.push(path);
  }
  return files;
}

/**
 * The reference layout is `<contract>/examples/*.json` (must pass) and
 * `<contract>/invalid-examples/*.json` (must fail); a file directly in a folder named after a
 * contract is checked against it; anything else against its own validationContracts. Which
 * folder names are contracts depends on the version applied to the file.
 */
function classify(
  file: string,
  version: VtnVersion,
): { contract: string | undefined; expected: 'valid' | 'invalid' | undefined } {
  const parent = basename(dirname(file));
  const expected = expectationFolders[parent];
  const folders = contractFolders[version];
  if (expected !== undefined) {
    const grandparent = basename(dirname(dirname(file)));
    return { contract: folders.has(grandparent) ? grandparent : undefined, expected };
  }
  return { contract: folders.has(parent) ? parent : undefined, expected: undefined };
}

/**
 * A JSON Schema file (the reference keeps its schemas next to the examples) is not engine
 * output: it has a `$schema` key. v2 documents have one too, naming the v2 document schema,
 * which is how they are told apart.
 */
function isJsonSchema(document: unknown): boolean {
  if (typeof document !== 'object' || document === null || !('$schema' in document)) return false;
  return resolveVtnVersion(document) !== 'v2';
}

function reportFile(root: string, file: string, requested: VtnVersion | undefined): ReportRow | 'schema' {
  const { contract: folderContract, expected } = classify(file, requested ?? 'v1');
  const name = relative(root, file) || basename(file);
  let document: unknown;
  try {
    document = readJsonDocument(file);
  } catch (error) {
    const message = error instanceof CliInputError ? error.message : String(error);
    return {
      file: name,
      contract: folderContract ?? 'declared',
      expected,
      verdict: 'unreadable',
      version: '-',
      firstIssue: message,
    };
  }
  if (isJsonSchema(document)) return 'schema';
  const version = resolveVtnVersion(document, requested);
  const { contract } = classify(file, version);
  const result = validate(document, contract === undefined ? { version } : { version, contract });
  const issue = result.success ? undefined : result.issues[0];
  return {
    file: name,
    contract: contract ?? 'declared',
    expected,
    verdict: result.success ? 'valid' : 'invalid',
    version,
    firstIssue: issue && `[${issue.contract}] ${issue.path || '/'}: ${issue.message} (${issue.code})`,
  };
}

/**
 * Validates every *.json under the folders, each as `version` or, without it, as its `$schema`
 * says (resolveVtnVersion); throws CliInputError when a folder cannot be read.
 */
export function buildReport(dirs: readonly string[], version?: VtnVersion): Report {
  const report: Report = { rows: [], skippedSchemas: 0 };
  for (const dir of dirs) {
    let files: string[];
    try {
      files = statSync(dir).isDirectory() ? jsonFilesUnder(dir) : [dir];
    } catch (error) {
      throw new CliInputError(
        'unreadable_file',
        `cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`,
      );
    }
    const root = statSync(dir).isDirectory() ? dir : dirname(dir);
    for (const file of files) {
      const row = reportFile(root, file, version);
      if (row === 'schema') report.skippedSchemas++;
      else report.rows.push(row);
    }
  }
  return report;
}

const matches = (row: ReportRow) => row.expected === undefined || row.expected === row.verdict;

/** A fixed-width table, one row per file, then a totals line. */
export function formatReport(report: Report): string {
  const header = ['file', 'contract', 'expected', 'verdict', 'version', ''];
  const cells = report.rows.map((row) => [
    row.file,
    row.contract,
    row.expected ?? '-',
    row.verdict,
    row.version,
    matches(row)
      ? row.verdict === 'valid'
        ? ''
        : (row.firstIssue ?? '')
      : `UNEXPECTED ${row.firstIssue ?? ''}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column]!.length)),
  );
  const line = (cell: string[]) =>
    cell
      .map((value, column) => (column < cell.length - 1 ? value.padEnd(widths[column]!) : value))
      .join('  ')
      .trimEnd();
  const valid = report.rows.filter((row) => row.verdict === 'valid').length;
  const withExpectation = report.rows.filter((row) => row.expected !== undefined).length;
  const unexpected = report.rows.filter((row) => !matches(row)).length;
  const unreadable = report.rows.filter((row) => row.verdict === 'unreadable').length;
  const totals =
    `${report.rows.length} files: ${valid} valid, ${report.rows.length - valid - unreadable} invalid` +
    (unreadable > 0 ? `, ${unreadable} unreadable` : '') +
    `; ${withExpectation} with an expected verdict, ${withExpectation - unexpected} as expected, ${unexpected} unexpected` +
    (report.skippedSchemas > 0 ? `; ${report.skippedSchemas} JSON Schema files skipped` : '');
  return [line(header), ...cells.map(line), totals].join('\n') + '\n';
}

/** Exit code for a report: 0 when every verdict matches its expectation, 2 if a file was unreadable, else 1. */
export function reportExitCode(report: Report): number {
  if (report.rows.some((row) => row.verdict === 'unreadable')) return 2;
  return report.rows.every(matches) ? 0 : 1;
}
