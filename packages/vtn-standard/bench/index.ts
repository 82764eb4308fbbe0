import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { validate } from '../src/index.ts';
import { compileReference, loadReferenceExamples, publishedValidators } from '../test/support/reference.ts';
import { compileUpstreamV2, loadUpstreamV2Examples } from '../test/support/upstream-v2.ts';

/**
 * Documents/s of `validate` over every reference example (valid and invalid), each checked
 * against its folder's contract, compared in one process with (a) the reference's published
 * VALIDATORS and (b) the reference schemas compiled once with the reference's own Ajv 6.
 * Then VTN v2: documents/s of `validate(doc, { version: 'v2' })` over the 226 upstream v2
 * examples against upstream's v2 schema compiled once with Ajv 8 (draft-07, allErrors: true).
 */

const examples = loadReferenceExamples();

interface Measurement {
  name: string;
  docsPerSecond: number;
}

/** Runs whole passes over the examples until `minMs` has elapsed, after a warm-up pass. */
function measure(
  name: string,
  check: (contract: string, document: unknown) => void,
  minMs: number,
): Measurement {
  const pass = () => {
    for (const example of examples) check(example.contract, example.document);
  };
  pass();
  let documents = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    pass();
    documents += examples.length;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return { name, docsPerSecond: (documents / elapsed) * 1000 };
}

const compiled = compileReference();
const swallow = (run: () => unknown) => {
  try {
    run();
  } catch {
    // The reference throws on some inputs; a throw still counts as a processed document.
  }
};

const ROUNDS = 5;
const candidates: [string, (contract: string, document: unknown) => void][] = [
  ['@engine-kit/vtn-standard validate (verdict)', (contract, document) => validate(document, { contract })],
  [
    '@engine-kit/vtn-standard validate (verdict + issues read)',
    (contract, document) => {
      const result = validate(document, { contract });
      if (!result.success) void result.issues.length;
    },
  ],
  ['reference compiled once (Ajv 6)', (contract, document) => swallow(() => compiled[contract]!(document))],
];
// Rounds alternate between candidates so a busy neighbour on the shared machine hurts all of them alike.
const rounds = candidates.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, [name, check]] of candidates.entries()) {
    rounds[index]!.push(measure(name, check, 400).docsPerSecond);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results: Measurement[] = candidates.map(([name], index) => ({
  name,
  docsPerSecond: median(rounds[index]!),
}));
results.push(
  measure(
    'reference VALIDATORS as published',
    (contract, document) => swallow(() => publishedValidators[contract]!(document)),
    1,
  ),
);

const ours = results[0]!.docsPerSecond;
console.log(
  `${examples.length} reference examples per pass, median of ${ROUNDS} alternating rounds; node ${process.version}; ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`,
);
console.table(
  results.map((result) => ({
    validator: result.name,
    'docs/s': Math.round(result.docsPerSecond),
    'ours / this': (ours / result.docsPerSecond).toFixed(2),
  })),
);
const vsCompiled = ours / results[2]!.docsPerSecond;
const withIssuesVsCompiled = results[1]!.docsPerSecond / results[2]!.docsPerSecond;
console.log(`ratio vs (a) published: ${(ours / results[3]!.docsPerSecond).toFixed(1)}x`);
console.log(`ratio vs (b) compiled once: ${vsCompiled.toFixed(2)}x (target >= 1.0, required >= 0.5)`);
console.log(`ratio vs (b) compiled once, issues read too: ${withIssuesVsCompiled.toFixed(2)}x`);

/** Median docs/s of alternating rounds over a list of documents (each check sees only the document). */
function compareOn(documents: readonly unknown[], checks: [string, (document: unknown) => void][]) {
  const timings = checks.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [, check]] of checks.entries()) {
      for (const document of documents) check(document);
      let count = 0;
      const start = performance.now();
      let elapsed = 0;
      do {
        for (const document of documents) check(document);
        count += documents.length;
        elapsed = performance.now() - start;
      } while (elapsed < 400);
      timings[index]!.push((count / elapsed) * 1000);
    }
  }
  return checks.map(([name], index) => ({ name, docsPerSecond: median(timings[index]!) }));
}

const v2Documents = loadUpstreamV2Examples().map((example) => example.document);
const upstreamV2 = compileUpstreamV2();
const v2Results = compareOn(v2Documents, [
  [
    "@engine-kit/vtn-standard validate(doc, { version: 'v2' }) (verdict)",
    (document) => validate(document, { version: 'v2' }),
  ],
  [
    "@engine-kit/vtn-standard validate(doc, { version: 'v2' }) (verdict + issues read)",
    (document) => {
      const result = validate(document, { version: 'v2' });
      if (!result.success) void result.issues.length;
    },
  ],
  ['upstream v2 schema compiled once (Ajv 8, draft-07, allErrors)', (document) => upstreamV2(document)],
]);
const oursV2 = v2Results[0]!.docsPerSecond;
console.log(
  `\nVTN v2: ${v2Documents.length} upstream examples per pass, median of ${ROUNDS} alternating rounds`,
);
console.table(
  v2Results.map((result) => ({
    validator: result.name,
    'docs/s': Math.round(result.docsPerSecond),
    'ours / this': (oursV2 / result.docsPerSecond).toFixed(2),
  })),
);
const v2Ratio = oursV2 / v2Results[2]!.docsPerSecond;
console.log(`v2 ratio vs upstream compiled once: ${v2Ratio.toFixed(2)}x (target >= 1.0)`);
console.log(
  `v2 ratio vs upstream compiled once, issues read too: ${(v2Results[1]!.docsPerSecond / v2Results[2]!.docsPerSecond).toFixed(2)}x`,
);
if (vsCompiled < 0.5 || v2Ratio < 0.5) process.exitCode = 1;
