import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { validate } from './validate.ts';

const USAGE = `Usage:
  vtn-standard validate [--contract NAME] [--json] FILE...   validate documents ("-" reads stdin)
  vtn-standard schemas --out DIR                             write the JSON Schema files
  vtn-standard report DIR...                                 validate every *.json under the folders, as a table

Exit codes: 0 all valid (report: every verdict as expected), 1 some invalid, 2 usage error or unreadable/non-JSON input.`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const knownContracts: ReadonlySet<string> = new Set([...REFERENCE_CONTRACTS, ...DOCS_ONLY_CONTRACTS]);

function describeIssue(issue: VtnIssue): string {
  return `  [${issue.contract}] ${issue.path || '/'}: ${issue.message} (${issue.code})`;
}

function runValidate(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { contract: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) throw new UsageError('validate needs at least one FILE (or "-" for stdin)');
  const contract = values.contract;
  if (contract !== undefined && !knownContracts.has(contract) && !isStructuredDataContract(contract)) {
    throw new UsageError(
      `unknown contract "${contract}"; use one of ${[...knownContracts].join(', ')} or a structured-data schema UUID`,
    );
  }
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
    const result = validate(document, contract === undefined ? undefined : { contract });
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
    options: { out: { type: 'string' } },
  });
  if (values.out === undefined || positionals.length > 0) throw new UsageError('schemas needs --out DIR');
  try {
    mkdirSync(values.out, { recursive: true });
    const schemas = generateJsonSchemas();
    for (const { fileName, schema } of schemas)
      writeFileSync(join(values.out, fileName), formatJsonSchema(schema));
    process.stdout.write(`wrote ${schemas.length} JSON Schema files to ${values.out}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(
      `vtn-standard: cannot write to ${values.out}: ${(error as NodeJS.ErrnoException).code}\n`,
    );
    return 2;
  }
}

function runReport(args: string[]): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw new UsageError('report needs at least one DIR');
  try {
    const report = buildReport(positionals);
    process.stdout.write(formatReport(report));
    return reportExitCode(report);
  } catch (error) {
    if (!(error instanceof CliInputError)) throw error;
    process.stderr.write(`vtn-standard: ${error.message}\n`);
    return 2;
  }
}

const COMMANDS: Record<string, (args: string[]) => number> = {
  validate: runValidate,
  schemas: runSchemas,
  report: runReport,
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
