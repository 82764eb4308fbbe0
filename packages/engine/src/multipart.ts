import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { EngineLimits } from './config.ts';
import { EngineError, type EngineErrorCode } from './errors.ts';
import { confinedDirectory } from './paths.ts';

/** The `chunk` file part of a `/process` request, saved to disk. */
export interface ChunkFile {
  /** The saved file (a unique name in `taskTmpDir` or the temp folder); becomes `request.chunk`. */
  path: string;
  filename: string;
  mimeType: string;
  size: number;
}

export interface ProcessForm {
  /** Text fields in arrival order, duplicates included: `parseProcessRequest` applies the one duplicate rule. */
  fields: Array<[string, string]>;
  chunk: ChunkFile | undefined;
}

export interface ReadFormOptions {
  limits: EngineLimits;
  /** Folder for the chunk file when the form names no usable `taskTmpDir` before the file part. */
  tmpRoot?: string;
}

const CHUNK_FIELD = 'chunk';
const SAFE_EXTENSION = /^\.[A-Za-z0-9]{1,12}$/;

/** A form being read: its outcome, and a promise that settles once no temp file of it is left behind. */
export interface FormUpload {
  form: Promise<ProcessForm>;
  /** Resolves when the reader is done and, if it failed, its partial chunk file is removed. */
  settled: Promise<void>;
}

/**
 * Streams a `/process` multipart body: fields into memory (each bounded), the `chunk` file
 * straight to a temp file. Rejects with an `EngineError` carrying the HTTP status for every
 * malformed, oversized or stalled body; never leaves a temp file behind when it rejects.
 */
export function readProcessForm(request: IncomingMessage, options: ReadFormOptions): FormUpload {
  let markSettled!: () => void;
  const settled = new Promise<void>((resolve) => {
    markSettled = resolve;
  });
  const form = new Promise<ProcessForm>((resolve, reject) => {
    new FormReader(
      request,
      options,
      (value) => {
        markSettled();
        resolve(value);
      },
      reject,
      markSettled,
    ).start();
  });
  return { form, settled };
}

/** Removes a saved chunk; never throws. */
export async function removeChunk(chunk: ChunkFile | undefined): Promise<void> {
  if (chunk) await unlink(chunk.path).catch(() => undefined);
}

class FormReader {
  readonly #fields: Array<[string, string]> = [];
  /** The first `taskTmpDir` seen: where the chunk goes when it arrives after that field. */
  #taskTmpDir: string | undefined;
  #chunk: ChunkFile | undefined;
  #chunkSeen = false;
  #fileWrite: Promise<void> = Promise.resolve();
  #bytes = 0;
  #done = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #parser: busboy.Busboy | undefined;
  #fileStream: Readable | undefined;
  #fileOut: WriteStream | undefined;

  constructor(
    readonly request: IncomingMessage,
    readonly options: ReadFormOptions,
    readonly resolve: (form: ProcessForm) => void,
    readonly reject: (error: EngineError) => void,
    readonly cleanedUp: () => void,
  ) {}

  start(): void {
    const { limits } = this.options;
    const contentType = this.request.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\s*;/i.test(contentType)) {
      this.#fail(
        'unsupported_media_type',
        `expected Content-Type multipart/form-data with a boundary; got ${contentType === '' ? 'none' : contentType}`,
        415,
      );
      return;
    }
    const declared = Number(this.request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.bodySize) {
      this.#fail(
        'body_too_large',
        `Content-Length ${declared} exceeds the ${limits.bodySize}-byte body limit`,
        413,
      );
      return;
    }
    try {
      this.#parser = busboy({
        headers: this.request.headers,
        // busboy flags a value, a file and the part count as over the limit when they *reach* it: one more
        // byte (part) is given here so that exactly `fieldSize`/`fileSize` bytes and `fields` fields are accepted.
        limits: {
          fieldSize: limits.fieldSize + 1,
          fields: limits.fields,
          fileSize: limits.fileSize + 1,
          files: 1,
          parts: limits.fields + 2,
          headerPairs: 100,
        },
      });
    } catch (error) {
      this.#fail('invalid_multipart', (error as Error).message, 400);
      return;
    }
    this.#listen(this.#parser);
    this.#armIdleTimer();
    this.request.on('data', (data: Buffer) => this.#countBytes(data.length));
    this.request.on('close', () => {
      if (!this.request.complete)
        this.#fail('invalid_multipart', 'the client closed the connection mid-body', 400);
    });
    this.request.pipe(this.#parser);
  }

  #listen(parser: busboy.Busboy): void {
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated) return this.#fail('invalid_multipart', 'a field name is too long', 400);
      if (info.valueTruncated) {
        return this.#fail(
          'field_too_large',
          `field ${name} exceeds the ${this.options.limits.fieldSize}-byte limit`,
          413,
        );
      }
      if (name === CHUNK_FIELD) {
        // A text `chunk` would become the chunk's path: never read what a client names. The value is not echoed.
        return this.#fail(
          'invalid_request',
          'chunk must be a file part; a text field named chunk is refused',
          400,
        );
      }
      if (name === 'taskTmpDir' && this.#taskTmpDir === undefined) this.#taskTmpDir = value;
      this.#fields.push([name, value]);
    });
    parser.on('file', (name, stream, info) => this.#onFile(name, stream, info));
    parser.on('fieldsLimit', () =>
      this.#fail('too_many_fields', `more than ${this.options.limits.fields} fields`, 413),
    );
    parser.on('partsLimit', () =>
      this.#fail('too_many_fields', `more than ${this.options.limits.fields} parts`, 413),
    );
    parser.on('filesLimit', () =>
      this.#fail('unexpected_file', 'only one file part, chunk, is accepted', 400),
    );
    parser.on('error', (error: Error) => this.#fail('invalid_multipart', error.message, 400));
    parser.on('close', () => void this.#finish());
  }

  #onFile(name: string, stream: Readable, info: busboy.FileInfo): void {
    if (name !== CHUNK_FIELD || this.#chunkSeen) {
      stream.resume();
      this.#fail(
        'unexpected_file',
        `unexpected file part ${JSON.stringify(name)}; only chunk is accepted`,
        400,
      );
      return;
    }
    this.#chunkSeen = true;
    this.#fileStream = stream;
    stream.on('limit', () =>
      this.#fail('file_too_large', `chunk exceeds the ${this.options.limits.fileSize}-byte file limit`, 413),
    );
    this.#fileWrite = this.#saveChunk(stream, info).catch((error: unknown) => {
      if (!this.#done)
        this.#fail('chunk_not_saved', `could not save the chunk: ${(error as Error).message}`, 500);
    });
  }

  async #saveChunk(stream: Readable, info: busboy.FileInfo): Promise<void> {
    const dir = await chunkFolder(this.#taskTmpDir, this.options.tmpRoot);
    const extension = extname(info.filename ?? '');
    // One unique file, no folder per request: two fewer file system calls on the hot path.
    const name = `engine-kit-chunk-${randomBytes(9).toString('hex')}${SAFE_EXTENSION.test(extension) ? extension : '.data'}`;
    const path = join(dir, name);
    this.#chunk = { path, filename: info.filename ?? 'chunk.data', mimeType: info.mimeType, size: 0 };
    if (this.#done) return;
    // `wx`: the name is new, so never open (or follow a link at) something that already exists.
    const file = createWriteStream(path, { flags: 'wx' });
    this.#fileOut = file;
    await writeAll(stream, file);
    this.#chunk.size = file.bytesWritten;
  }

  #countBytes(length: number): void {
    this.#bytes += length;
    this.#armIdleTimer();
    if (this.#bytes > this.options.limits.bodySize) {
      this.#fail('body_too_large', `the body exceeds the ${this.options.limits.bodySize}-byte limit`, 413);
    }
  }

  #armIdleTimer(): void {
    if (this.#done) return;
    if (this.#idleTimer) {
      // Refreshing one timer per body costs far less than a new timer per piece of the body.
      this.#idleTimer.refresh();
      return;
    }
    const ms = this.options.limits.bodyIdleTimeoutMs;
    this.#idleTimer = setTimeout(() => this.#fail('body_timeout', `no body data for ${ms} ms`, 408), ms);
  }

  async #finish(): Promise<void> {
    await this.#fileWrite;
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#idleTimer);
    this.resolve({ fields: this.#fields, chunk: this.#chunk });
  }

  #fail(code: EngineErrorCode, message: string, status: number): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#idleTimer);
    if (this.#parser) this.request.unpipe(this.#parser);
    // The file part will never end once the body stops: stop its write, then remove the file once it is
    // closed (removing it while the write stream is still opening it would leave it behind).
    this.#fileStream?.destroy();
    const out = this.#fileOut;
    const removed = out
      ? new Promise<void>((resolve) => {
          out.destroy();
          if (out.closed) resolve();
          else out.once('close', () => resolve());
        }).then(() => removeChunk(this.#chunk))
      : this.#fileWrite.finally(() => removeChunk(this.#chunk));
    void removed.then(this.cleanedUp, this.cleanedUp);
    // Discard the rest of the body so the error response can still be read by the client.
    this.request.resume();
    this.reject(
      new EngineError(code, message, {
        status,
        failureReason: status >= 500 ? 'file_write_error' : 'invalid_data',
      }),
    );
  }
}

/**
 * `source.pipe(file)` settled on the file's `finish`. Cheaper than `stream.pipeline`, which builds and
 * aborts an AbortController (and a DOMException) per call; a body cut short is handled by `#fail`,
 * which destroys both streams and removes the file once it is closed.
 */
function writeAll(source: Readable, file: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    source.once('error', reject);
    file.once('error', reject);
    file.once('finish', resolve);
    source.pipe(file);
  });
}

/**
 * `taskTmpDir` when it is a confined, existing directory, else the configured or OS temp folder. A
 * `taskTmpDir` that is refused here is refused again, with a 400, once the form is read.
 */
async function chunkFolder(taskTmpDir: string | undefined, tmpRoot: string | undefined): Promise<string> {
  if (taskTmpDir !== undefined) {
    const confined = await confinedDirectory('taskTmpDir', taskTmpDir);
    if (confined.ok) return confined.path;
  }
  return tmpRoot ?? tmpdir();
}
