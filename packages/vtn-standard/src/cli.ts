import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DOCS_ONLY_CONTRACTS,
  isStructuredDataContract,
  REFERENCE_CONTRACTS,
} from './common/contract-names.ts';
import { CliInputError, readJsonDocument } from './cli/io.ts';
import { buildReport, formatReport, reportExitCode } from './cli/report.ts';
import type { VtnIssue } from './issues.ts';
import { formatJsonSchema, generateJsonSchemas } from './json-schema.ts';
import { CONTRACT_NAMES_V2, resolveContractV2 } from './v2/names.ts';
import { upgradeToV2 } from './v2/upgrade.ts';
import { validate } from './validate.ts';
import { VTN_VERSIONS, type VtnVersion } from './version.ts';

const USAGE = `Usage:
  vtn-standard validate [--version v1|v2] [--contract NAME] [--json] FILE...   validate documents ("-" reads stdin)
  vtn-standard schemas [--version v1|v2] --out DIR                             write the JSON Schema files
  vtn-standard report [--version v1|v2] DIR...                                 validate every *.json under the folders, as a table
  vtn-standard upgrade [--out DIR] [--json] FILE...                            upgrade v1 documents to v2 (FILE.v2.json; "-" to stdout)

Without --version, a document whose $schema names https://get.aiware.com/schemas/v2... is
validated as v2, any other as v1.

Exit codes: 0 all valid (report: every verdict as expected; upgrade: every result valid v2),
1 some invalid, 2 usage error or unreadable/non-JSON input.`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const knownContracts: ReadonlySet<string> = new Set([...REFERENCE_CONTRACTS, ...DOCS_ONLY_CONTRACTS]);

function describeIssue(issue: VtnIssue): string {
  return `  [${issue.contract}] ${issue.path || '/'}: ${issue.message} (${issue.code})`;
}

function parseVersion(value: string | undefined): VtnVersion | undefined {
  if (value === undefined || (VTN_VERSIONS as readonly string[]).includes(value)) return value as VtnVersion;
  throw new UsageError(`unknown --version "${value}"; use ${VTN_VERSIONS.join(' or ')}`);
}

function checkContractName(contract: string | undefined, version: VtnVersion | undefined): void {
  if (contract === undefined) return;
  const v1 = knownContracts.has(contract) || isStructuredDataContract(contract);
  const v2 = contract === 'aion' || resolveContractV2(contract).kind !== 'unknown';
  if (version === 'v2' ? v2 : version === 'v1' ? v1 : v1 || v2) return;
  const names = version === 'v2' ? ['aion', ...CONTRACT_NAMES_V2] : [...knownContracts];
  throw new UsageError(
    `unknown contract "${contract}"; use one of ${names.join(', ')} or a structured-data schema UUID`,
  );
}

function runValidate(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      contract: { type: 'string' },
      version: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError('validate needs at least one FILE (or "-" for stdin)');
  const contract = values.contract;
  const version = parseVersion(values.version);
  checkContractName(contract, version);
  let exitCode = 0;
  for (const file of positionals) {
    const name = file === '-' ? '<stdin>' : file;
    let document: unknown;
    try {
      document = readJsonDocument(file);
    } catch (error) {
      if (!(error instanceof CliInputError)) throw error;
      process.stderr.write(`vtn-standard: ${error.message}\n`);
      if (values.json) {
        const issue = { path: '', message: error.message, code: error.code, contract: contract ?? '' };
        process.stdout.write(`${JSON.stringify({ file: name, valid: false, issues: [issue] })}\n`);
      }
      exitCode = 2;
      continue;
    }
    const result = validate(document, {
      ...(version && { version }),
      ...(contract !== undefined && { contract }),
    });
    const issues = result.success ? [] : result.issues;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ file: name, valid: result.success, issues })}\n`);
    } else {
      process.stdout.write(
        result.success
          ? `${name}: valid\n`
          : `${name}: invalid (${issues.length} issue${issues.length === 1 ? '' : 's'})\n${issues.map(describeIssue).join('\n')}\n`,
      );
    }
    if (!result.success && exitCode === 0) exitCode = 1;
  }
  return exitCode;
}

function runSchemas(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, version: { type: 'string' } },
  });
  if (values.out === undefined || positionals.length > 0) throw new UsageError('schemas needs --out DIR');
  const version = parseVersion(values.version) ?? 'v1';
  try {
    mkdirSync(values.out, { recursive: true });
    const schemas = generateJsonSchemas(version);
    for (const { fileName, schema } of schemas)
      writeFileSync(join(values.out, fileName), formatJsonSchema(schema));
    process.stdout.write(`wrote ${schemas.length} ${version} JSON Schema files to ${values.out}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(
      `vtn-standard: cannot write to ${values.out}: ${(error as NodeJS.ErrnoException).code}\n`,
    );
    return 2;
  }
}

function runReport(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { version: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('report needs at least one DIR');
  const version = parseVersion(values.version);
  try {
    const report = buildReport(positionals, version);
    process.stdout.write(formatReport(report));
    return reportExitCode(report);
  } catch (error) {
    if (!(error instanceof CliInputError)) throw error;
    process.stderr.write(`vtn-standard: ${error.message}\n`);
    return 2;
  }
}

/** Where `upgrade` writes FILE's result: FILE.v2.json beside it (or in --out), stdout for "-". */
function upgradeTarget(file: string, outDir: string | undefined): string | undefined {
  if (file === '-') return undefined;
  const name = `${basename(file).replace(/\.json$/i, '')}.v2.json`;
  return join(outDir ?? dirname(file), name);
}

function runUpgrade(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) throw new UsageError('upgrade needs at least one FILE (or "-" for stdin)');
  if (values.out !== undefined) {
    try {
      mkdirSync(values.out, { recursive: true });
    } catch (error) {
      process.stderr.write(
        `vtn-standard: cannot write to ${values.out}: ${(error as NodeJS.ErrnoException).code}\n`,
      );
      return 2;
    }
  }
  // Summaries go to stderr when the document itself goes to stdout.
  const report = (text: string) => (positionals.includes('-') ? process.stderr : process.stdout).write(text);
  let exitCode = 0;
  for (const file of positionals) {
    const name = file === '-' ? '<stdin>' : file;
    let document: unknown;
    try {
      document = readJsonDocument(file);
    } catch (error) {
      if (!(error instanceof CliInputError)) throw error;
      process.stderr.write(`vtn-standard: ${error.message}\n`);
      exitCode = 2;
      continue;
    }
    const { document: upgraded, changes, unmapped } = upgradeToV2(document);
    const target = upgradeTarget(file, values.out);
    try {
      const text = `${JSON.stringify(upgraded, null, 2)}\n`;
      if (target === undefined) process.stdout.write(text);
      else writeFileSync(target, text);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      process.stderr.write(`vtn-standard: cannot write ${target ?? 'stdout'}: ${reason}\n`);
      exitCode = 2;
      continue;
    }
    const written = target ?? '<stdout>';
    if (values.json) {
      report(`${JSON.stringify({ file: name, written, valid: unmapped.length === 0, changes, unmapped })}\n`);
    } else {
      const lines = [
        `${name} -> ${written}: ${unmapped.length === 0 ? 'valid v2' : `${unmapped.length} rule${unmapped.length === 1 ? '' : 's'} not met`}`,
        ...changes.map((change) => `  ${change.action} ${change.path}: ${change.message}`),
        ...unmapped.map((gap) => `  NOT MAPPED ${gap.path || '/'}: ${gap.message} (${gap.code})`),
      ];
      report(`${lines.join('\n')}\n`);
    }
    if (unmapped.length > 0 && exitCode === 0) exitCode = 1;
  }
  return exitCode;
}

const COMMANDS: Record<string, (args: string[]) => number> = {
  validate: runValidate,
  schemas: runSchemas,
  report: runReport,
  upgrade: runUpgrade,
};

function main(argv: string[]): number {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const run = command === undefined ? undefined : COMMANDS[command];
    if (run === undefined)
      throw new UsageError(command === undefined ? 'missing command' : `unknown command "${command}"`);
    return run(args);
  } catch (error) {
    // parseArgs reports unknown options with a TypeError carrying an ERR_PARSE_ARGS_* code.
    const isArgsError = (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') ?? false;
    if (!(error instanceof UsageError) && !isArgsError) throw error;
    process.stderr.write(`vtn-standard: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
