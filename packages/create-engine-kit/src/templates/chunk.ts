import { testPreamble } from './test-support.ts';
import type { KindTemplate, TemplateInput } from './types.ts';
import { vtnPreamble, vtnSchemaConstant } from './vtn.ts';

const SAMPLE = `The engine reads a text chunk and reports its keywords. Keywords are the words a text
repeats most, without the small words every text repeats. A keyword engine indexes text for search:
the engine finds the keywords, the platform stores them, and a search for a keyword finds the text.
`;

export function chunkTemplate({ vtn }: TemplateInput): KindTemplate {
  const engine = `import { readFile } from 'node:fs/promises';
import { EngineError, ignore, runEngine } from '@engine-kit/engine';
import { keywordDocument } from './vtn.js';

await runEngine({
  mode: 'chunk',
  process: async (request) => {
    // No file (only cacheURI, or an empty task): 204, the toolkit reports the chunk as ignored.
    if (!request.chunk) return ignore();
    if (request.chunkMimeType && !request.chunkMimeType.startsWith('text/')) {
      throw new EngineError('handler_failed', \`only text chunks are supported, not \${request.chunkMimeType}\`, {
        status: 422,
        failureReason: 'invalid_data',
      });
    }
    const text = await readFile(request.chunk, 'utf8');
    const maxKeywords = request.payload.maxKeywords;
    return keywordDocument(text, typeof maxKeywords === 'number' ? maxKeywords : 10);
  },
});
`;
  const vtnSource = `import type { VtnDocument } from '@engine-kit/vtn-standard';
${vtnSchemaConstant(vtn)}
// Words too common to be keywords of any text.
const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in is it its of on or that the their them they this to was were will with without every'.split(
    ' ',
  ),
);

export interface Keyword {
  label: string;
  count: number;
}

/** The words a text repeats most (ties in order of first appearance), without stop words. */
export function topKeywords(text: string, maxKeywords: number): Keyword[] {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[\\p{L}\\p{N}']+/gu) ?? []) {
    if (word.length < 3 || STOP_WORDS.has(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, Math.max(0, maxKeywords));
}

/** A \`keyword\` document: confidence is each keyword's count relative to the most frequent one. */
export function keywordDocument(text: string, maxKeywords: number): VtnDocument {
  const keywords = topKeywords(text, maxKeywords);
  const top = keywords[0]?.count ?? 1;
  return {
${vtnPreamble(vtn, 'keyword', '    ')}    object: keywords.map(({ label, count }) => ({
      type: 'keyword',
      label,
      confidence: Math.round((count / top) * 1000) / 1000,
    })),
  };
}
`;
  const test = `${testPreamble('')}
test('the engine reports the keywords of a text chunk', async () => {
  const log = engineLog();
  const summary = await runProcess({
    command: engineCommand,
    chunk: { path: projectFile('samples/sample.txt'), mimeType: 'text/plain' },
    payload: { maxKeywords: 5 },
    maxTtlSeconds: 60,
    onEngineOutput: log.onEngineOutput,
  });
  assert.equal(summary.status, 'complete', log.explain(summary));
  assertValidOutputs(summary, log.explain);
  const document = summary.outputs[0]?.output as { object: { label: string }[] };
  assert.deepEqual(
    document.object.map((found) => found.label),
    ['text', 'engine', 'keywords', 'words', 'repeats'],
  );
});

test('a chunk that is not text fails with invalid_data', async () => {
  const log = engineLog();
  const summary = await runProcess({
    command: engineCommand,
    chunk: { path: projectFile('samples/sample.txt'), mimeType: 'image/png' },
    maxTtlSeconds: 60,
    retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
    onEngineOutput: log.onEngineOutput,
  });
  assert.equal(summary.status, 'failed', log.explain(summary));
});
`;
  return {
    summary: 'A chunk engine that reports the keywords of text chunks.',
    scripts: {
      process: 'engine-toolkit process --chunk samples/sample.txt --mime text/plain -- tsx src/engine.ts',
    },
    manifest: {
      category: 'keyword',
      preferredInputFormat: 'text/plain',
      supportedInputFormats: ['text/plain'],
      engineMode: 'chunk',
      trainableViaApi: false,
    },
    howItWorks: `Each \`/process\` call carries one text chunk. \`src/engine.ts\` reads it and answers with a
\`keyword\` document (\`src/vtn.ts\`): the words the text repeats most, without stop words, with a
confidence relative to the most frequent one. The task payload's \`maxKeywords\` (default 10) limits
how many. A chunk without a file is ignored (204); a chunk that is not text fails with \`invalid_data\`.`,
    files: [
      { path: 'src/engine.ts', contents: engine },
      { path: 'src/vtn.ts', contents: vtnSource },
      { path: 'test/engine.test.ts', contents: test },
      { path: 'samples/sample.txt', contents: SAMPLE },
    ],
  };
}
