import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { segmentWav } from '../src/segment-wav.ts';
import type { Segment } from '../src/segmenter.ts';
import { openSource, SourceError } from '../src/source.ts';
import { generateWav } from '../src/testing/wav.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<number> {
  let total = 0;
  for await (const chunk of source) total += chunk.byteLength;
  return total;
}

describe('openSource', () => {
  it('segments an HTTP stream while it is still being written', async () => {
    const wav = generateWav({ seed: 31, segments: 8 });
    let written = 0;
    const url = await serve(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      for (let offset = 0; offset < wav.bytes.byteLength; offset += 16_000) {
        response.write(wav.bytes.subarray(offset, offset + 16_000));
        written = offset + 16_000;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      response.end();
    });
    const writtenWhenSeen: number[] = [];
    const segments: Segment[] = [];
    await segmentWav(openSource(`${url}/stream.wav`), (segment) => {
      segments.push(segment);
      writtenWhenSeen.push(written);
    });
    expect(segments).toHaveLength(8);
    expect(writtenWhenSeen[0]).toBeLessThan(wav.bytes.byteLength);
  });

  it('maps a missing HTTP resource to url_not_found and a refused connection to url_connection_refused', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(404).end('no');
    });
    await expect(collect(openSource(`${url}/missing.wav`))).rejects.toMatchObject({
      code: 'source_not_found',
      failureReason: 'url_not_found',
    });
    const closed = await serve(() => undefined);
    await cleanups.pop()!();
    await expect(collect(openSource(`${closed}/gone.wav`))).rejects.toBeInstanceOf(SourceError);
    await expect(collect(openSource(`${closed}/gone.wav`))).rejects.toMatchObject({
      failureReason: 'url_connection_refused',
    });
  });

  it('reads file paths and file: URLs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sound-segmenter-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'input.wav');
    const wav = generateWav({ seed: 32, segments: 3 });
    await writeFile(path, wav.bytes);
    expect(await collect(openSource(path))).toBe(wav.bytes.byteLength);
    expect(await collect(openSource(pathToFileURL(path).href))).toBe(wav.bytes.byteLength);
    await expect(collect(openSource(join(dir, 'absent.wav')))).rejects.toMatchObject({
      failureReason: 'url_not_found',
    });
  });
});
