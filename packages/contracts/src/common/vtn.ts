import {
  DOCUMENT_JSON_SCHEMA_FILE,
  JSON_SCHEMA_BASE_URI,
  type VtnDocument,
  validate,
} from '@engine-kit/vtn-standard';
import { z } from 'zod';
import type { ContractIssue, ParseResult } from './issues.ts';

export type { VtnDocument };

/** Checks a VTN-standard document with `@engine-kit/vtn-standard`, prefixing issue paths with `pointer`. */
export function validateVtn(document: unknown, pointer = ''): ParseResult<VtnDocument> {
  try {
    const result = validate(document);
    if (result.success) return { success: true, data: result.data };
    return {
      success: false,
      issues: result.issues.map(
        (found): ContractIssue => ({ path: pointer + found.path, message: found.message, code: found.code }),
      ),
    };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { success: false, issues: [{ path: pointer, code: 'invalid_vtn', message: detail }] };
  }
}

/** `$id` of the whole-document JSON Schema that `@engine-kit/vtn-standard` generates. */
export const VTN_DOCUMENT_JSON_SCHEMA_ID = `${JSON_SCHEMA_BASE_URI}${DOCUMENT_JSON_SCHEMA_FILE}`;

const vtnDocumentSchemas = new WeakSet<object>();

/**
 * Marks a zod schema as "a VTN document": its JSON Schema becomes a `$ref` to the vtn-standard schema, so
 * other languages check the same rules that `validate` applies here.
 */
export function asVtnDocument<S extends z.ZodType>(schema: S): S {
  vtnDocumentSchemas.add(schema);
  return schema;
}

export function isVtnDocumentSchema(schema: object): boolean {
  return vtnDocumentSchemas.has(schema);
}

/** A VTN-standard document inside a contract message, checked by `@engine-kit/vtn-standard`. */
const VtnOutputSource = z
  .record(z.string(), z.unknown())
  .superRefine((document, context) => {
    const result = validateVtn(document);
    if (result.success) return;
    for (const found of result.issues) {
      context.addIssue({
        code: 'custom',
        message: found.message,
        path: pointerSegments(found.path),
        params: { code: found.code },
      });
    }
  })
  .meta({ description: 'A VTN-standard engine output document.' });

export const VtnOutputSchema = asVtnDocument(VtnOutputSource as unknown as z.ZodType<VtnDocument>);

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}
