import { readFile } from 'node:fs/promises';
import { validateManifest } from '@engine-kit/contracts';
import { describe, expect, it } from 'vitest';

describe('manifest.json', () => {
  it('is a valid engine manifest', async () => {
    const manifest = JSON.parse(await readFile(new URL('../manifest.json', import.meta.url), 'utf8'));
    const result = validateManifest(manifest);
    expect(result.success ? [] : result.issues).toEqual([]);
  });
});
