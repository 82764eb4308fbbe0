import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askChoices, CreateEngineKitError, parseCreateArgs } from '../src/index.ts';

function streams(answers: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (data) => {
    shown += String(data);
  });
  input.end(answers);
  return { io: { input, output }, shown: () => shown };
}

describe('askChoices', () => {
  it('asks for the folder, the kind and the version, by number or by name', async () => {
    const { io, shown } = streams('engines/mine\n4\nv2\n');
    await expect(askChoices(parseCreateArgs([]), io)).resolves.toEqual({
      directory: 'engines/mine',
      kind: 'library',
      vtn: 'v2',
    });
    expect(shown()).toContain('Project folder [my-engine]');
    expect(shown()).toContain('4. library: library-train');
  });

  it('takes the defaults on empty answers', async () => {
    const { io } = streams('\n\n\n');
    await expect(askChoices(parseCreateArgs([]), io)).resolves.toEqual({
      directory: 'my-engine',
      kind: 'chunk',
      vtn: 'v1',
    });
  });

  it('asks only for what the flags leave open', async () => {
    const { io, shown } = streams('STREAM\n');
    await expect(askChoices(parseCreateArgs(['here', '--vtn', 'v1']), io)).resolves.toEqual({
      directory: 'here',
      kind: 'stream',
      vtn: 'v1',
    });
    expect(shown()).not.toContain('Project folder');
    expect(shown()).not.toContain('VTN standard version');
  });

  it('asks again after a wrong answer', async () => {
    const { io, shown } = streams('x\n9\nbatch\n\n');
    await expect(askChoices(parseCreateArgs(['x']), io)).resolves.toMatchObject({ kind: 'batch' });
    expect(shown()).toContain('"9" is not one of chunk, stream, batch, library.');
  });

  it('fails with a usage error when the input ends before an answer', async () => {
    const { io } = streams('here\n');
    const failure = await askChoices(parseCreateArgs([]), io).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CreateEngineKitError);
    expect((failure as CreateEngineKitError).code).toBe('usage');
  });

  it('gives up after five wrong answers', async () => {
    const { io } = streams('a\nb\nc\nd\ne\nchunk\n');
    const failure = await askChoices(parseCreateArgs(['x']), io).catch((error: unknown) => error);
    expect((failure as CreateEngineKitError).code).toBe('usage');
  });
});
