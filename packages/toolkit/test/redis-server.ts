import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createClient } from '@redis/client';
import { findFreePortForTest } from './ports.ts';

export interface RedisServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a throw-away redis-server on a free loopback port, without persistence. */
export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServer> {
  const port = await findFreePortForTest();
  const child: ChildProcess = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    /** Safe to call twice (a test stops it early, its cleanup again). */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs one command on the test's redis-server through node-redis, to look behind the toolkit. */
export async function redisCommand(server: RedisServer, ...args: string[]): Promise<unknown> {
  const client = createClient({ socket: { host: server.host, port: server.port, reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}
