import type * as z from 'zod';
import { toJsonPointer } from './common/json-pointer.ts';

/** One reason a document does not meet a contract. */
export interface VtnIssue {
  /** JSON pointer to the offending value; `''` is the document root. */
  path: string;
  message: string;
  /** Stable machine-readable code: zod's issue code, or one of this package's codes for rules zod cannot say. */
  code: string;
  /** The contract whose rule was broken (`aion` for the master rules every document meets). */
  contract: string;
}

/** Converts zod issues to VtnIssues; an unknown key becomes one issue at the key's own path. */
export function toVtnIssues(issues: readonly z.core.$ZodIssue[], contract: string): VtnIssue[] {
  const result: VtnIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        result.push({
          path: toJsonPointer([...issue.path, key]),
          message: `Unknown property "${key}"`,
          code: 'unrecognized_key',
          contract,
        });
      }
      continue;
    }
    const customCode =
      issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    result.push({
      path: toJsonPointer(issue.path),
      message: issue.message,
      code: typeof customCode === 'string' ? customCode : issue.code,
      contract,
    });
  }
  return result;
}
