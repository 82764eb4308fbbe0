// The trivial chunk engine of the bench: drains the /process body and answers a fixed VTN
// document at once, so every millisecond measured is the caller's (toolkit or direct client).
import http from 'node:http';

const processUrl = new URL(process.env.VERITONE_WEBHOOK_PROCESS);
const readyUrl = new URL(process.env.VERITONE_WEBHOOK_READY);
const answer = JSON.stringify({
  series: [{ startTimeMs: 0, stopTimeMs: 0, object: { type: 'object', label: 'x' } }],
});

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.method === 'GET' && request.url === readyUrl.pathname) {
      response.statusCode = 200;
      response.end();
    } else if (request.method === 'POST' && request.url === processUrl.pathname) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(answer);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(processUrl.port), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
