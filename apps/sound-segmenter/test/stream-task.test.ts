import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type StreamProgress, runSoundStream } from '../src/stream-task.ts';
import { generateWav } from '../src/testing/wav.ts';
import type { SoundVtn } from '../src/vtn.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serveSlowly(bytes: Uint8Array, pieceBytes: number, pauseMs: number): Promise<string> {
  server = createServer(async (_request, response) => {
    response.writeHead(200, { 'content-type': 'audio/wav' });
    for (let offset = 0; offset < bytes.byteLength; offset += pieceBytes) {
      response.write(bytes.subarray(offset, offset + pieceBytes));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    response.end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream.wav`;
}

describe('runSoundStream', () => {
  it('posts one result per closed segment and heartbeats with growing counters meanwhile', async () => {
    const wav = generateWav({ seed: 41, segments: 6 });
    const cacheURI = await serveSlowly(wav.bytes, 8000, 20);
    const results: { output: SoundVtn; offsets: { startOffsetMs: number; endOffsetMs: number } }[] = [];
    const heartbeats: StreamProgress[] = [];
    const final = await runSoundStream({
      input: cacheURI,
      heartbeatIntervalMs: 25,
      emit: async (output, offsets) => {
        results.push({ output, offsets });
      },
      heartbeat: (progress) => {
        heartbeats.push(progress);
      },
    });
    expect(final).toEqual({ bytesRead: wav.bytes.byteLength, messagesWritten: 6 });
    expect(results.map((r) => r.output.series[0]!.object.label)).toEqual(
      wav.truth.map((segment) => segment.kind),
    );
    expect(results[0]!.offsets.startOffsetMs).toBe(0);
    expect(results.at(-1)!.offsets.endOffsetMs).toBe(wav.durationMs);
    expect(heartbeats.length).toBeGreaterThan(2);
    const bytes = heartbeats.map((h) => h.bytesRead);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(bytes.some((value) => value > 0 && value < wav.bytes.byteLength)).toBe(true);
  });

  it('rejects with invalid_data for a non-WAV stream and stops heartbeating', async () => {
    const cacheURI = await serveSlowly(new TextEncoder().encode('this is not audio at all'), 64, 1);
    const heartbeats: StreamProgress[] = [];
    await expect(
      runSoundStream({
        input: cacheURI,
        heartbeatIntervalMs: 5,
        emit: async () => undefined,
        heartbeat: (p) => void heartbeats.push(p),
      }),
    ).rejects.toMatchObject({ failureReason: 'invalid_data' });
    const count = heartbeats.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(heartbeats.length).toBe(count);
  });
});

describe('runSoundStream with an opened stream', () => {
  it('reads an async byte stream and sends no heartbeats of its own when none is asked for', async () => {
    const wav = generateWav({ seed: 42, segments: 3 });
    async function* pieces() {
      for (let offset = 0; offset < wav.bytes.byteLength; offset += 4096)
        yield wav.bytes.subarray(offset, offset + 4096);
    }
    const labels: string[] = [];
    const final = await runSoundStream({
      input: pieces(),
      emit: async (output) => {
        labels.push(output.series[0]!.object.label);
      },
    });
    expect(final.messagesWritten).toBe(3);
    expect(labels).toEqual(wav.truth.map((segment) => segment.kind));
  });
});
