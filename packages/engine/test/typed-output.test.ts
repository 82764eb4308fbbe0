/**
 * Issue 14, point 3: handler outputs are typed. The `@ts-expect-error` lines are the assertions: the
 * package typecheck (`tsc --noEmit`, which includes this file) fails if any of them compiles. The
 * built declarations are checked the same way by `consumer.test.ts`.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ignore,
  nonVtnOutput,
  type ProcessContext,
  type ProcessHandler,
  type ProcessOutput,
  type RunArgs,
  type VtnDocument,
} from '../src/index.ts';

describe('typed handler outputs', () => {
  it('accepts VTN documents (v1 and v2), non-VTN output, ignore() and nothing', () => {
    const handlers: ProcessHandler[] = [
      () => ({
        series: [
          { startTimeMs: 0, stopTimeMs: 1, object: { type: 'object', label: 'cat', confidence: 0.5 } },
        ],
      }),
      async () => nonVtnOutput('<tt/>', 'application/ttml+xml'),
      () => ignore(),
      () => undefined,
      async () => {},
    ];
    expect(handlers).toHaveLength(5);
    expectTypeOf<ReturnType<ProcessHandler>>().toEqualTypeOf<ProcessOutput | Promise<ProcessOutput>>();
    expectTypeOf<Parameters<ProcessContext['emitResult']>[0]>().toEqualTypeOf<VtnDocument>();
  });

  it('rejects object literals that are not VTN documents', () => {
    // @ts-expect-error: startTimeMs must be a number
    const wrongType: ProcessHandler = () => ({ series: [{ startTimeMs: 'soon', stopTimeMs: 1 }] });
    // @ts-expect-error: a series entry needs stopTimeMs
    const missing: ProcessHandler = async () => ({ series: [{ startTimeMs: 0 }] });
    // @ts-expect-error: run handlers are typed the same way
    const run: (args: RunArgs) => ProcessOutput = () => ({ object: [{ type: 'face', confidence: 'x' }] });
    const emit = (context: ProcessContext) =>
      // @ts-expect-error: emitResult takes a VTN document
      context.emitResult({ series: 'none' });
    expect([wrongType, missing, run, emit]).toHaveLength(4);
  });
});
