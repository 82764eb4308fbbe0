import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Serves `pieces` bytes-long pieces with a pause between them, like a toolkit cache still being written. */
export async function startInputServer(pieces: number, pieceBytes: number, pauseMs: number) {
  const server = createServer(async (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    for (let index = 0; index < pieces; index++) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      response.write(Buffer.alloc(pieceBytes, index));
    }
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/input.bin`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
