import { testPreamble } from './test-support.ts';
import type { KindTemplate, TemplateInput } from './types.ts';
import { vtnPreamble, vtnSchemaConstant } from './vtn.ts';

const SAMPLE = `a stream engine reads its input while it is still arriving
it posts a result for every few words it has read
and a heartbeat every second until the whole stream is done
`;

export function streamTemplate({ vtn }: TemplateInput): KindTemplate {
  const engine = `import { runEngine } from '@engine-kit/engine';
import { TranscriptBuilder } from './vtn.js';

await runEngine({
  // /process is acknowledged at once; results and heartbeats follow.
  mode: 'stream',
  process: async (request, context) => {
    const transcript = new TranscriptBuilder({ startMs: request.startOffsetMS ?? 0 });
    const decoder = new TextDecoder();
    // Reads cacheURI as it arrives; each piece is counted in the heartbeats' bytesRead.
    for await (const piece of context.openInput()) {
      for (const part of transcript.push(decoder.decode(piece, { stream: true }))) {
        await context.emitResult(part.document, part.offsets);
      }
      context.setInfo(\`\${transcript.wordCount} words\`);
    }
    for (const part of transcript.end(decoder.decode())) {
      await context.emitResult(part.document, part.offsets);
    }
  },
});
`;
  const vtnSource = `import type { VtnDocument } from '@engine-kit/vtn-standard';
${vtnSchemaConstant(vtn)}
export interface TranscriptPart {
  document: VtnDocument;
  offsets: { startOffsetMs: number; endOffsetMs: number };
}

export interface TranscriptOptions {
  /** Media time of the first word. */
  startMs?: number;
  /** Time given to each word (a stand-in for a speech model's timings). */
  msPerWord?: number;
  /** Words per posted result. */
  wordsPerResult?: number;
}

/**
 * Turns streamed text into \`transcript\` results: each word gets \`msPerWord\` of media time, and a
 * result is ready every \`wordsPerResult\` words. A word split across two pieces is kept whole.
 */
export class TranscriptBuilder {
  readonly #msPerWord: number;
  readonly #wordsPerResult: number;
  #nextMs: number;
  #pendingText = '';
  #words: string[] = [];
  #count = 0;

  constructor(options: TranscriptOptions = {}) {
    this.#nextMs = options.startMs ?? 0;
    this.#msPerWord = options.msPerWord ?? 300;
    this.#wordsPerResult = options.wordsPerResult ?? 8;
  }

  get wordCount(): number {
    return this.#count;
  }

  /** Adds streamed text; returns the results that are complete. */
  push(text: string): TranscriptPart[] {
    const pending = this.#pendingText + text;
    const lastBreak = pending.search(/\\s\\S*$/);
    const complete = lastBreak === -1 ? '' : pending.slice(0, lastBreak);
    this.#pendingText = lastBreak === -1 ? pending : pending.slice(lastBreak);
    this.#words.push(...words(complete));
    const parts: TranscriptPart[] = [];
    while (this.#words.length >= this.#wordsPerResult) parts.push(this.#part(this.#words.splice(0, this.#wordsPerResult)));
    return parts;
  }

  /** The end of the stream: the rest of the words. */
  end(text = ''): TranscriptPart[] {
    const rest = [...this.#words, ...words(this.#pendingText + text)];
    this.#words = [];
    this.#pendingText = '';
    return rest.length > 0 ? [this.#part(rest)] : [];
  }

  #part(batch: string[]): TranscriptPart {
    const startOffsetMs = this.#nextMs;
    const series = batch.map((word, index) => ({
      startTimeMs: startOffsetMs + index * this.#msPerWord,
      stopTimeMs: startOffsetMs + (index + 1) * this.#msPerWord,
      words: [{ word, confidence: 1 }],
    }));
    this.#count += batch.length;
    this.#nextMs = startOffsetMs + batch.length * this.#msPerWord;
    return {
      document: {
${vtnPreamble(vtn, 'transcript', '        ')}        series,
      },
      offsets: { startOffsetMs, endOffsetMs: this.#nextMs },
    };
  }
}

function words(text: string): string[] {
  return text.split(/\\s+/).filter((word) => word.length > 0);
}
`;
  const test = `import { TranscriptBuilder } from '../src/vtn.js';
${testPreamble('')}
test('a word split across two pieces of the stream stays one word', () => {
  const builder = new TranscriptBuilder({ wordsPerResult: 2 });
  assert.deepEqual(builder.push('hel'), []);
  const [part] = builder.push('lo world ');
  assert.deepEqual(part?.offsets, { startOffsetMs: 0, endOffsetMs: 600 });
  assert.equal(builder.end().length, 0);
});

test('the engine streams a word-timed transcript through the result webhook', async () => {
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
  const sample = await readFile(projectFile('samples/sample.txt'), 'utf8');
  const words = summary.outputs.flatMap(
    ({ output }) => (output as { series: { words: { word: string }[] }[] }).series.map((item) => item.words[0]?.word),
  );
  assert.deepEqual(words, sample.split(/\\s+/).filter(Boolean));
  assert.ok(summary.heartbeats.some((beat) => (beat.heartbeat as { status?: string }).status === 'complete'), log.explain(summary));
});
`;
  return {
    summary: 'A stream engine that turns streamed text into a word-timed transcript.',
    scripts: {
      process: 'engine-toolkit process --chunk samples/sample.txt --mime text/plain -- tsx src/engine.ts',
    },
    manifest: {
      category: 'transcript',
      preferredInputFormat: 'text/plain',
      supportedInputFormats: ['text/plain'],
      engineMode: 'stream',
      trainableViaApi: false,
    },
    howItWorks: `The engine runs in \`stream\` mode: \`/process\` is acknowledged at once with
\`{ "estimatedProcessingTimeInSeconds": n }\`, then the engine reads the media from \`cacheURI\` as it
arrives (\`context.openInput()\`). \`src/vtn.ts\` gives each word 300 ms (a stand-in for a speech model)
and every 8 words the engine posts a \`transcript\` result with its offsets to the result webhook. The
runtime sends a heartbeat with \`bytesRead\` and \`messagesWritten\` every second and a \`complete\`
heartbeat at the end (\`failed\` if the handler throws).`,
    files: [
      { path: 'src/engine.ts', contents: engine },
      { path: 'src/vtn.ts', contents: vtnSource },
      { path: 'test/engine.test.ts', contents: test },
      { path: 'samples/sample.txt', contents: SAMPLE },
    ],
  };
}
