import { CONTRACT_MESSAGES, contractJsonSchema } from '../src/index.ts';

/** File name → exact committed text of every generated JSON Schema (2-space JSON, trailing newline). */
export function renderJsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const message of CONTRACT_MESSAGES) {
    files.set(message.file, `${JSON.stringify(contractJsonSchema(message.name), null, 2)}\n`);
  }
  return files;
}
