import { readFileSync } from 'node:fs';

/** A file the CLI could not use as a document, with the reason to show. */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
  constructor(
    readonly code: 'unreadable_file' | 'invalid_json',
    message: string,
  ) {
    super(message);
  }
}

/** Reads and parses a JSON file (`-` is stdin); throws CliInputError with an actionable message. */
export function readJsonDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliInputError('unreadable_file', `cannot read ${file === '-' ? 'stdin' : file}: ${reason}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliInputError(
      'invalid_json',
      `${file === '-' ? 'stdin' : file} is not JSON: ${(error as Error).message}`,
    );
  }
}
