import type * as z from 'zod';
import { type ErrorObject, verdictFunction } from './fast-path.ts';
import { toVtnIssues, type VtnIssue } from './issues.ts';

/** A contract's verdict; the issues of a failure are computed only when asked for. */
export type Verdict = { valid: true } | { valid: false; issues: () => VtnIssue[] };

export const VALID: Verdict = { valid: true };

/** Issues from Ajv's first error, used only if zod and the generated schema ever disagree. */
function fromAjvErrors(errors: ErrorObject[] | null | undefined, contract: string): VtnIssue[] {
  return (errors ?? []).map((error) => ({
    path: error.instancePath,
    message: error.message ?? `Fails JSON Schema keyword ${error.keyword}`,
    code: error.keyword,
    contract,
  }));
}

/**
 * The verdict of one zod schema, decided by its compiled JSON Schema (`cacheKey` names the
 * compiled function); zod builds the issues only when they are read.
 */
export function checkWithSchema(
  contract: string,
  schema: z.ZodType,
  document: unknown,
  cacheKey: string = contract,
): Verdict {
  const check = verdictFunction(cacheKey, schema);
  if (check(document)) return VALID;
  const errors = check.errors;
  return {
    valid: false,
    issues: () => {
      const result = schema.safeParse(document);
      return result.success ? fromAjvErrors(errors, contract) : toVtnIssues(result.error.issues, contract);
    },
  };
}

/** A failed verdict with issues known up front. */
export function invalid(issues: VtnIssue[]): Verdict {
  return { valid: false, issues: () => issues };
}
