import type { z } from 'zod';

/** One problem found in a wire message; `path` is a JSON pointer (`''` for the whole message). */
export type ContractIssue = { path: string; message: string; code: string };

export type ParseResult<T> = { success: true; data: T } | { success: false; issues: ContractIssue[] };

/** Thrown by builders when their input cannot form a valid message (parsers never throw). */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: string;
  readonly issues: ContractIssue[];

  constructor(message: string, issues: ContractIssue[], code = 'invalid_message') {
    super(`${message}: ${issues.map(formatIssue).join('; ')}`);
    this.code = code;
    this.issues = issues;
  }
}

export function formatIssue(issue: ContractIssue): string {
  return `${issue.path || '(root)'}: ${issue.message}`;
}

export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function issue(path: string, code: string, message: string): ContractIssue {
  return { path, code, message };
}

export function fromZodIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): ContractIssue[] {
  return issues.map((zodIssue) => ({
    path: prefix + jsonPointer(zodIssue.path),
    message: zodIssue.message,
    code: issueCode(zodIssue),
  }));
}

/** Custom refinements name their own stable code in `params.code`; zod's built-in codes are kept as they are. */
function issueCode(zodIssue: z.core.$ZodIssue): string {
  if (zodIssue.code === 'custom' && typeof zodIssue.params?.code === 'string') return zodIssue.params.code;
  return zodIssue.code;
}

export function success<T>(data: T): ParseResult<T> {
  return { success: true, data };
}

export function failure<T>(issues: ContractIssue[]): ParseResult<T> {
  return { success: false, issues };
}

/** Runs a zod schema without ever throwing, mapping its issues to contract issues. */
export function safeParseWith<S extends z.ZodType>(schema: S, value: unknown): ParseResult<z.output<S>> {
  try {
    const result = schema.safeParse(value);
    return result.success ? success(result.data) : failure(fromZodIssues(result.error.issues));
  } catch (error) {
    return failure([issue('', 'parse_error', `the value could not be checked: ${describeError(error)}`)]);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own enumerable property even for keys like `__proto__`: wire field names come from strangers,
 * and a plain assignment with that key would replace the record's prototype instead of adding a field.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
