import { testPreamble } from './test-support.ts';
import type { KindTemplate, TemplateInput } from './types.ts';
import { vtnPreamble, vtnSchemaConstant } from './vtn.ts';

const SAMPLE = `Batch engines see the whole file before they answer. The toolkit acknowledges the task at once and
waits for heartbeats. This engine reads the text to the end, keeps its first sentences as a summary and
posts one result. A real engine would call a model here instead. Everything else stays the same.
`;

export function batchTemplate({ vtn }: TemplateInput): KindTemplate {
  const engine = `import { EngineError, runEngine } from '@engine-kit/engine';
import { summaryDocument } from './vtn.js';

/** The most text this engine reads into memory; longer input fails with invalid_data. */
const MAX_INPUT_BYTES = 1024 * 1024;

await runEngine({
  // /process is acknowledged at once; the returned document is posted as the result.
  mode: 'batch',
  process: async (_request, context) => {
    const pieces: Uint8Array[] = [];
    let size = 0;
    for await (const piece of context.openInput()) {
      size += piece.byteLength;
      if (size > MAX_INPUT_BYTES) {
        throw new EngineError('input_failed', 'the input is larger than 1 MiB', { failureReason: 'invalid_data' });
      }
      pieces.push(piece);
    }
    context.setInfo(\`read \${size} bytes\`);
    return summaryDocument(Buffer.concat(pieces).toString('utf8'));
  },
});
`;
  const vtnSource = `import type { VtnDocument } from '@engine-kit/vtn-standard';
${vtnSchemaConstant(vtn)}
/** Longest summary, in characters. */
export const MAX_SUMMARY_LENGTH = 200;

/** The first sentences of a text that fit in \`MAX_SUMMARY_LENGTH\` (at least one, shortened if needed). */
export function summarise(text: string): string {
  const sentences = text.replace(/\\s+/g, ' ').trim().match(/[^.!?]+[.!?]*/g) ?? [];
  let summary = '';
  for (const sentence of sentences.map((found) => found.trim())) {
    const next = summary ? \`\${summary} \${sentence}\` : sentence;
    if (next.length > MAX_SUMMARY_LENGTH) break;
    summary = next;
  }
  return summary || (sentences[0] ?? '').slice(0, MAX_SUMMARY_LENGTH);
}

/** A \`summary\` document of the whole input. */
export function summaryDocument(text: string): VtnDocument {
  return {
${vtnPreamble(vtn, 'summary', '    ')}    summary: summarise(text),
  };
}
`;
  const test = `import { summarise } from '../src/vtn.js';
${testPreamble('')}
test('summarise keeps whole sentences within the limit', () => {
  assert.equal(summarise('One. Two!  Three?'), 'One. Two! Three?');
  assert.equal(summarise('x'.repeat(500)).length, 200);
});

test('the batch engine posts one summary of the whole input', async () => {
  const log = engineLog();
  const summary = await runProcess({
    command: engineCommand,
    chunk: { path: projectFile('samples/sample.txt'), mimeType: 'text/plain' },
    maxTtlSeconds: 60,
    onEngineOutput: log.onEngineOutput,
  });
  assert.equal(summary.status, 'complete', log.explain(summary));
  assert.equal(summary.responseKind, 'async', log.explain(summary));
  assertValidOutputs(summary, log.explain);
  assert.equal(summary.outputs.length, 1, log.explain(summary));
  assert.match(String((summary.outputs[0]?.output as { summary: string }).summary), /^Batch engines see the whole file/);
});
`;
  return {
    summary: 'A batch engine that summarises a whole text file.',
    scripts: {
      process: 'engine-toolkit process --chunk samples/sample.txt --mime text/plain -- tsx src/engine.ts',
    },
    manifest: {
      category: 'summary',
      preferredInputFormat: 'text/plain',
      supportedInputFormats: ['text/plain'],
      engineMode: 'batch',
      trainableViaApi: false,
    },
    howItWorks: `The engine runs in \`batch\` mode: \`/process\` is acknowledged at once, the engine reads the
whole input from \`cacheURI\` (at most 1 MiB), and the document its handler returns is posted to the
result webhook as one \`summary\` result (\`src/vtn.ts\`: the first sentences that fit in 200
characters). Heartbeats go out every second while it works, then a \`complete\` one.`,
    files: [
      { path: 'src/engine.ts', contents: engine },
      { path: 'src/vtn.ts', contents: vtnSource },
      { path: 'test/engine.test.ts', contents: test },
      { path: 'samples/sample.txt', contents: SAMPLE },
    ],
  };
}
