// Handler outputs are typed (issue 14, point 3): an object literal that is not a VTN document
// must not compile. Each `@ts-expect-error` fails the check when the line below it compiles.
import { createEngine } from '@engine-kit/engine';

createEngine({
  // @ts-expect-error startTimeMs must be a number
  process: () => ({ series: [{ startTimeMs: 'soon', stopTimeMs: 1 }] }),
});

createEngine({
  mode: 'stream',
  process: async (_request, context) => {
    // @ts-expect-error emitResult takes a VTN document, not any value
    await context.emitResult({ series: 'garbage' });
  },
});

createEngine({ process: () => ({ series: [{ startTimeMs: 0, stopTimeMs: 1 }] }) });
