import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, 'jsonschema_verdicts.py');

/**
 * Python's `jsonschema` (Debian python3-jsonschema) verdicts on documents, against the
 * committed schema `rootId` with every schema of `schemaDir` registered: one python3 process
 * per call, documents on stdin.
 */
export function pythonVerdicts(schemaDir: string, rootId: string, documents: readonly unknown[]): boolean[] {
  const output = execFileSync('python3', [SCRIPT, schemaDir, rootId], {
    input: JSON.stringify(documents),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return JSON.parse(output.toString('utf8')) as boolean[];
}
