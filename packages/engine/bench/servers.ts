import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import express from 'express';
import multer from 'multer';
import { createEngine, type VtnDocument } from '../src/index.ts';

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

/** The trivial engine's answer: one object per chunk, sized from the saved file. */
function vtnFor(size: number, startTimeMs: number): VtnDocument {
  return {
    series: [
      {
        startTimeMs,
        stopTimeMs: startTimeMs + 1000,
        object: { type: 'object', label: `bytes:${size}`, confidence: 0.9 },
      },
    ],
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export async function startEngineServer(): Promise<BenchServer> {
  const engine = createEngine({
    host: '127.0.0.1',
    port: 0,
    env: { NODE_ENV: 'production' },
    logger: silent,
    concurrency: 16,
    maxQueued: 16,
    process: async (request) => vtnFor((await stat(request.chunk!)).size, request.startOffsetMS ?? 0),
  });
  const { processUrl } = await engine.listen();
  return { url: processUrl, close: async () => void (await engine.close({ timeoutMs: 1_000 })) };
}

/** The same work by hand: busboy fields, chunk to a temp file, parse the payload, answer, clean up. */
export async function startBareServer(): Promise<BenchServer> {
  const server = createServer((req, res) => {
    const fields: Record<string, string> = {};
    let path: string | undefined;
    let write: Promise<void> = Promise.resolve();
    const parser = busboy({ headers: req.headers, limits: { fileSize: 1024 * 1024 * 1024, files: 1 } });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream) => {
      path = join(tmpdir(), `bench-bare-${randomBytes(9).toString('hex')}.png`);
      write = pipeline(stream, createWriteStream(path));
    });
    parser.on('close', async () => {
      await write;
      JSON.parse(fields.payload ?? '{}');
      const size = path ? (await stat(path)).size : 0;
      if (path) await unlink(path);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(vtnFor(size, Number(fields.startOffsetMS ?? 0))));
    });
    req.pipe(parser);
  });
  return listen(server);
}

/** Express with multer's disk storage, the common way to take a file upload in Node. */
export async function startExpressServer(): Promise<BenchServer> {
  const app = express();
  const upload = multer({ storage: multer.diskStorage({ destination: tmpdir() }) });
  app.post('/process', upload.single('chunk'), async (req, res) => {
    JSON.parse((req.body as Record<string, string>).payload ?? '{}');
    const size = req.file ? (await stat(req.file.path)).size : 0;
    if (req.file) await unlink(req.file.path);
    res.json(vtnFor(size, Number((req.body as Record<string, string>).startOffsetMS ?? 0)));
  });
  return listen(createServer(app));
}

async function listen(server: Server): Promise<BenchServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
