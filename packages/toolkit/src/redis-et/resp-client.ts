import { type Socket, connect } from 'node:net';
import { ToolkitError } from '../common/errors.ts';

export type RespValue = string | number | Buffer | null | RespValue[];

interface Pending {
  resolve: (value: RespValue) => void;
  reject: (error: Error) => void;
}

/** Thrown when a reply cannot be parsed yet because more bytes are needed. */
const INCOMPLETE = Symbol('incomplete');

/**
 * A minimal Redis client (RESP2 over TCP): just enough for redisET (PING, GET, SET EX).
 * Commands are pipelined on one connection; the connection is opened lazily and reopened
 * after an error, so a Redis restart only fails the requests made while it was down.
 */
export class RespClient {
  readonly #host: string;
  readonly #port: number;
  readonly #timeoutMs: number;
  #socket: Socket | undefined;
  #connecting: Promise<Socket> | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: Pending[] = [];

  constructor(options: { host: string; port: number; timeoutMs?: number }) {
    this.#host = options.host;
    this.#port = options.port;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async command(...args: (string | Buffer)[]): Promise<RespValue> {
    const socket = await this.#connect();
    return new Promise<RespValue>((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      socket.write(encodeCommand(args));
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #connect(): Promise<Socket> {
    if (this.#socket) return Promise.resolve(this.#socket);
    this.#connecting ??= new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.#host, port: this.#port });
      socket.setTimeout(this.#timeoutMs);
      socket.once('connect', () => {
        this.#socket = socket;
        this.#connecting = undefined;
        resolve(socket);
      });
      socket.on('data', (data) => this.#onData(data));
      socket.on('timeout', () => socket.destroy(new Error(`Redis at ${this.#host}:${this.#port} timed out`)));
      socket.once('error', (error) => {
        this.#connecting = undefined;
        reject(redisError(error, this.#host, this.#port));
        this.#failAll(redisError(error, this.#host, this.#port));
      });
      socket.once('close', () => {
        if (this.#socket === socket) this.#socket = undefined;
        this.#failAll(
          new ToolkitError('redis_error', `connection to Redis at ${this.#host}:${this.#port} closed`),
        );
      });
    });
    return this.#connecting;
  }

  #onData(data: Buffer) {
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
    while (this.#buffer.length > 0) {
      let parsed: { value: RespValue | ReplyError; next: number };
      try {
        parsed = parseReply(this.#buffer, 0);
      } catch (error) {
        if (error === INCOMPLETE) return;
        this.#failAll(error as Error);
        this.#socket?.destroy();
        return;
      }
      this.#buffer = this.#buffer.subarray(parsed.next);
      const pending = this.#pending.shift();
      if (!pending) continue;
      if (parsed.value instanceof ReplyError) pending.reject(parsed.value);
      else pending.resolve(parsed.value);
    }
  }

  #failAll(error: Error) {
    const pending = this.#pending;
    this.#pending = [];
    this.#buffer = Buffer.alloc(0);
    for (const entry of pending) entry.reject(error);
  }
}

class ReplyError extends ToolkitError {
  constructor(message: string) {
    super('redis_error', `Redis replied with an error: ${message}`);
  }
}

function redisError(error: Error, host: string, port: number): ToolkitError {
  return new ToolkitError('redis_error', `cannot reach Redis at ${host}:${port}: ${error.message}`, {
    cause: error,
  });
}

export function encodeCommand(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg) : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

function readLine(buffer: Buffer, offset: number): { line: string; next: number } {
  const end = buffer.indexOf('\r\n', offset);
  if (end === -1) throw INCOMPLETE;
  return { line: buffer.toString('utf8', offset, end), next: end + 2 };
}

/** Parses one RESP2 reply starting at `offset`; throws INCOMPLETE when bytes are missing. */
export function parseReply(buffer: Buffer, offset: number): { value: RespValue | ReplyError; next: number } {
  if (offset >= buffer.length) throw INCOMPLETE;
  const type = String.fromCharCode(buffer[offset]!);
  const { line, next } = readLine(buffer, offset + 1);
  switch (type) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: new ReplyError(line), next };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buffer.length < next + length + 2) throw INCOMPLETE;
      return { value: Buffer.from(buffer.subarray(next, next + length)), next: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items: RespValue[] = [];
      let cursor = next;
      for (let index = 0; index < count; index++) {
        const item = parseReply(buffer, cursor);
        items.push(item.value as RespValue);
        cursor = item.next;
      }
      return { value: items, next: cursor };
    }
    default:
      throw new ToolkitError('redis_protocol_error', `unexpected RESP reply type "${type}" from Redis`);
  }
}
