import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  body: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  heartbeatUrl: string;
  resultUrl: string;
  heartbeats: Received[];
  results: Received[];
  /** Answers the next `n` result posts with this status before accepting. */
  failNextResults(n: number, status: number): void;
  /** Resolves when a heartbeat with this status arrives. */
  waitForHeartbeat(status: string, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

/** A real toolkit-side receiver on 127.0.0.1: records heartbeats and results as they arrive. */
export async function startReceiver(): Promise<WebhookReceiver> {
  const heartbeats: Received[] = [];
  const results: Received[] = [];
  const waiters: Array<{ status: string; resolve: (received: Received) => void }> = [];
  let failing = { count: 0, status: 503 };
  const server: Server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => {
      const text = Buffer.concat(pieces).toString('utf8');
      const received = {
        at: Date.now(),
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      };
      if (request.url === '/heartbeat') {
        heartbeats.push(received);
        for (const waiter of waiters.filter((w) => w.status === received.body.status)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(received);
        }
        response.writeHead(204).end();
        return;
      }
      if (request.url === '/result') {
        if (failing.count > 0) {
          failing.count -= 1;
          response.writeHead(failing.status).end('try later');
          return;
        }
        results.push(received);
        response.writeHead(204).end();
        return;
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    heartbeatUrl: `${url}/heartbeat`,
    resultUrl: `${url}/result`,
    heartbeats,
    results,
    failNextResults(count, status) {
      failing = { count, status };
    },
    waitForHeartbeat(status, timeoutMs = 10_000) {
      const existing = heartbeats.find((h) => h.body.status === status);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${status} heartbeat within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          status,
          resolve: (received) => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
