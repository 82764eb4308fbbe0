import { Agent, request } from 'node:http';

/**
 * Load generator run as a child process so it does not share the servers' event loop:
 * sends `count` copies of one multipart body with `inFlight` requests outstanding, prints JSON.
 */
const [url, countText, inFlightText, contentType, bodyBase64] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const count = Number(countText);
const inFlight = Number(inFlightText);
const body = Buffer.from(bodyBase64, 'base64');
const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
const target = new URL(url);

function once(): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const call = request(
      {
        agent,
        method: 'POST',
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        headers: { 'content-type': contentType, 'content-length': body.length },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

const latencies: number[] = [];
let next = 0;
const started = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < count) {
      next += 1;
      latencies.push(await once());
    }
  }),
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
process.stdout.write(JSON.stringify({ rps: count / seconds, p50: at(0.5), p99: at(0.99) }));
agent.destroy();
