import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { validate } from '../src/index.ts';
import { compileReference, loadReferenceExamples, publishedValidators } from '../test/support/reference.ts';

/**
 * Documents/s of `validate` over every reference example (valid and invalid), each checked
 * against its folder's contract, compared in one process with (a) the reference's published
 * VALIDATORS and (b) the reference schemas compiled once with the reference's own Ajv 6.
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
if (vsCompiled < 0.5) process.exitCode = 1;
