import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

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

/** Parses a `multipart/form-data` request fully into memory (uploads from the console, multipart results). */
export function parseMultipart(
  request: IncomingMessage,
  limitBytes = 512 * 1024 * 1024,
): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { fileSize: limitBytes } });
    } catch (error) {
      reject(error);
      return;
    }
    const form: MultipartForm = { fields: {}, files: [] };
    parser.on('field', (name, value) => {
      form.fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (data: Buffer) => parts.push(data));
      stream.on('end', () =>
        form.files.push({
          field,
          filename: info.filename,
          mimeType: info.mimeType,
          data: Buffer.concat(parts),
        }),
      );
    });
    parser.on('error', reject);
    parser.on('close', () => resolve(form));
    request.pipe(parser);
  });
}
