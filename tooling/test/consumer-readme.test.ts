import { describe, expect, it } from 'vitest';
import { codeBlocks, readmeProblems } from '../consumer/readme.mjs';

describe('consumer test: README helpers', () => {
  it('extracts ts and typescript blocks with their line, and nothing else', () => {
    const markdown = [
      '# x',
      '```ts',
      'const a = 1;',
      '```',
      '```sh',
      'npm test',
      '```',
      '```typescript',
      'let b;',
      '```',
    ].join('\n');
    expect(codeBlocks(markdown)).toEqual([
      { lang: 'ts', line: 2, code: 'const a = 1;' },
      { lang: 'typescript', line: 8, code: 'let b;' },
    ]);
  });

  it('keeps a longer fence open across a shorter one inside it', () => {
    const markdown = ['````ts', '```', 'still code', '````'].join('\n');
    expect(codeBlocks(markdown)).toEqual([{ lang: 'ts', line: 1, code: '```\nstill code' }]);
  });

  it('reports relative links, contributor commands without the repository and a missing npm install line', () => {
    const problems = readmeProblems(
      'See [src](src/index.ts).\n\n`pnpm --filter @engine-kit/x bench` runs it.\n',
      '@engine-kit/x',
    );
    expect(problems).toEqual([
      'relative link src/index.ts',
      'monorepo command without the repository: `pnpm --filter @engine-kit/x bench` runs it.',
      'no "npm install @engine-kit/x" line',
    ]);
  });

  it('accepts absolute links, anchors, code spans and commands that say where they run', () => {
    const markdown = [
      '```sh\nnpm install @engine-kit/x zod\n```',
      'See [limits](#limits) and [source](https://github.com/engine-kit/engine-kit/blob/main/a.ts); `f(doc)` [sic](doc).',
      'In the [repository](https://github.com/engine-kit/engine-kit), `pnpm --filter @engine-kit/x bench`.',
    ].join('\n\n');
    expect(readmeProblems(markdown.replace(' [sic](doc)', ''), '@engine-kit/x')).toEqual([]);
  });
});
