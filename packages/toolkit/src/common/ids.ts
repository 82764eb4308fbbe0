import { ToolkitError } from './errors.ts';

/**
 * `internalJobId` / `internalTaskId`: they become folder names (`taskTmpDir`), URL segments and
 * redisET keys, so only letters, digits, `_`, `-` and `.` (not first), at most 128 characters.
 * aiWARE ids (`24041417_RITfVUydE2`), UUIDs and the toolkit's `job-…`/`task-…` all fit.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function checkId(field: 'internalJobId' | 'internalTaskId' | 'taskFolder', value: string): string {
  if (ID_PATTERN.test(value)) return value;
  const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
  throw new ToolkitError(
    'invalid_id',
    `${field} ${JSON.stringify(shown)} is not a valid id: use 1-128 letters, digits, "_", "-" or "." (not first)`,
  );
}
