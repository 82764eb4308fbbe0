import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { RequestError } from './errors.ts';
import { isMultipartContentType } from './http.ts';

export interface MultipartLimits {
  /** Bytes per file part. */
  fileBytes: number;
  /** Number of file parts. */
  files: number;
  /** Number of text fields. */
  fields: number;
  /** Bytes per text field value. */
  fieldBytes: number;
}

/** Multipart results, kept in memory: 64 MiB per file (and in all), 16 files. */
export const RESULT_MULTIPART_LIMITS: MultipartLimits & { totalBytes: number } = {
  fileBytes: 64 * 1024 * 1024,
  totalBytes: 64 * 1024 * 1024,
  files: 16,
  fields: 1000,
  fieldBytes: 16 * 1024 * 1024,
};

export interface MultipartFile {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: MultipartFile[];
}

export interface StoredFile {
  field: string;
  filename: string;
  mimeType: string;
  /** Where the part was written; the caller removes it. */
  path: string;
  bytes: number;
}

export interface StoredForm {
  fields: Record<string, string>;
  files: StoredFile[];
}

type FileInfo = { filename: string; mimeType: string };

/**
 * Runs busboy over a request with hard limits: a part over a limit fails the whole form with a
 * 413 `RequestError` (busboy alone truncates silently), a malformed body with a 400, a body that
 * is not `multipart/form-data` with a 415. `onFile` consumes each file part (rejecting aborts).
 */
function readForm<T>(
  request: IncomingMessage,
  limits: MultipartLimits,
  onFile: (field: string, stream: Readable, info: FileInfo) => Promise<T>,
): Promise<{ fields: Record<string, string>; files: T[] }> {
  return new Promise((resolve, reject) => {
    if (!isMultipartContentType(request.headers['content-type'])) {
      reject(
        new RequestError(
          415,
          'unsupported_media_type',
          `expected a multipart/form-data body, got ${JSON.stringify(request.headers['content-type'] ?? 'none')}`,
        ),
      );
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: {
          fileSize: limits.fileBytes,
          files: limits.files,
          fields: limits.fields,
          fieldSize: limits.fieldBytes,
        },
      });
    } catch (error) {
      reject(
        new RequestError(
          400,
          'malformed_multipart',
          `malformed multipart request: ${(error as Error).message}`,
        ),
      );
      return;
    }
    const fields: Record<string, string> = {};
    const files: Promise<T>[] = [];
    const streams = new Set<Readable>();
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.unpipe(parser);
      request.pause();
      parser.removeAllListeners('file');
      parser.on('error', () => {});
      // The rest of the body is not read, so parts in progress would never end: end them here.
      for (const stream of streams) stream.destroy(error as Error);
      // Settle the file consumers first so their partial files can be removed.
      Promise.allSettled(files).then(() => reject(error));
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        return fail(
          new RequestError(413, 'field_too_large', `form field "${name}" exceeds ${limits.fieldBytes} bytes`),
        );
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      streams.add(stream);
      stream.once('close', () => streams.delete(stream));
      stream.on('limit', () =>
        fail(
          new RequestError(413, 'file_too_large', `file part "${field}" exceeds ${limits.fileBytes} bytes`),
        ),
      );
      const consumed = onFile(field, stream, info);
      consumed.catch((error) => {
        stream.resume();
        fail(error);
      });
      files.push(consumed);
    });
    parser.on('filesLimit', () =>
      fail(new RequestError(413, 'too_many_files', `more than ${limits.files} file part(s)`)),
    );
    parser.on('fieldsLimit', () =>
      fail(new RequestError(413, 'too_many_fields', `more than ${limits.fields} form fields`)),
    );
    parser.on('error', (error: Error) =>
      fail(new RequestError(400, 'malformed_multipart', `malformed multipart body: ${error.message}`)),
    );
    parser.on('close', () => {
      Promise.all(files).then(
        (done) => {
          if (!failed) resolve({ fields, files: done });
        },
        (error) => fail(error),
      );
    });
    request.on('error', (error) => fail(error));
    // A client that goes away mid-upload may close without an error: its partial files must go too.
    request.on('close', () => {
      if (!request.complete)
        fail(new RequestError(400, 'malformed_multipart', 'the request was cut off before its end'));
    });
    request.pipe(parser);
  });
}

/** Parses a `multipart/form-data` request into memory, bounded by `RESULT_MULTIPART_LIMITS` (multipart results). */
export async function parseMultipart(
  request: IncomingMessage,
  limits: MultipartLimits & { totalBytes: number } = RESULT_MULTIPART_LIMITS,
): Promise<MultipartForm> {
  let total = 0;
  const form = await readForm(request, limits, (field, stream, info) => {
    return new Promise<MultipartFile>((resolve, reject) => {
      const parts: Buffer[] = [];
      stream.on('data', (data: Buffer) => {
        total += data.length;
        if (total > limits.totalBytes) {
          parts.length = 0;
          reject(
            new RequestError(413, 'body_too_large', `file parts exceed ${limits.totalBytes} bytes in all`),
          );
          return;
        }
        parts.push(data);
      });
      stream.on('error', reject);
      stream.on('end', () =>
        resolve({ field, filename: info.filename, mimeType: info.mimeType, data: Buffer.concat(parts) }),
      );
    });
  });
  return form;
}

/**
 * Streams every file part of a `multipart/form-data` request to `dir` (never into memory) and
 * keeps the text fields. On any failure the files written so far are removed.
 */
export async function receiveMultipartToDisk(
  request: IncomingMessage,
  dir: string,
  limits: MultipartLimits & { acceptFile?: (field: string) => boolean },
): Promise<StoredForm> {
  const written: string[] = [];
  try {
    return await readForm(request, limits, async (field, stream, info) => {
      if (limits.acceptFile && !limits.acceptFile(field)) {
        throw new RequestError(400, 'unexpected_file', `unexpected file part "${field}"`);
      }
      const path = join(dir, `upload-${randomUUID()}`);
      written.push(path);
      // Opened before anything is piped: a write stream opens its file asynchronously, so a form
      // failing at once could otherwise see the file created after its clean-up removed it. The part
      // stays paused meanwhile (no 'data' listener yet), so none of it is lost; if the form fails
      // meanwhile, the part is destroyed with the form's error, which `pipeline` then reports (the
      // listener only keeps it from being an uncaught 'error' event until then).
      stream.on('error', () => {});
      const handle = await open(path, 'wx');
      let bytes = 0;
      stream.on('data', (data: Buffer) => {
        bytes += data.length;
      });
      await pipeline(stream, handle.createWriteStream());
      if ((stream as Readable & { truncated?: boolean }).truncated)
        throw new RequestError(
          413,
          'file_too_large',
          `file part "${field}" exceeds ${limits.fileBytes} bytes`,
        );
      return { field, filename: info.filename, mimeType: info.mimeType, path, bytes };
    });
  } catch (error) {
    await Promise.all(written.map((path) => rm(path, { force: true })));
    throw error;
  }
}
