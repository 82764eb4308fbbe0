/** The lines every generated test starts with: the engine command and a summary check. */
export function testPreamble(extraImports: string): string {
  return `import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateManifest } from '@engine-kit/contracts';
import { runProcess, type ToolkitSummary } from '@engine-kit/toolkit';
import { validate } from '@engine-kit/vtn-standard';
${extraImports}
const projectFile = (path: string) => fileURLToPath(new URL(\`../\${path}\`, import.meta.url));

/** The engine as the Engine Toolkit starts it: from source, through tsx. */
const engineCommand = [process.execPath, '--import', 'tsx', projectFile('src/engine.ts')];

/** Engine logs are kept and shown only when a check fails. */
function engineLog() {
  const lines: string[] = [];
  return {
    onEngineOutput: (_stream: 'stdout' | 'stderr', data: Buffer) => void lines.push(data.toString()),
    explain: (summary: ToolkitSummary) =>
      \`\${JSON.stringify(summary, null, 2)}\\n--- engine output ---\\n\${lines.join('')}\`,
  };
}

/** Every output the toolkit received is valid VTN, by the toolkit and by \`validate\` itself. */
function assertValidOutputs(summary: ToolkitSummary, explain: (summary: ToolkitSummary) => string) {
  assert.deepEqual(summary.validationIssues, [], explain(summary));
  assert.ok(summary.outputs.length > 0, explain(summary));
  for (const { output, valid } of summary.outputs) {
    assert.equal(valid, true, explain(summary));
    const verdict = validate(output);
    assert.ok(verdict.success, JSON.stringify(verdict, null, 2));
  }
}

test('manifest.json is a valid engine manifest', async () => {
  const manifest = validateManifest(JSON.parse(await readFile(projectFile('manifest.json'), 'utf8')));
  assert.ok(manifest.success, JSON.stringify(manifest, null, 2));
});
`;
}
