import type { VtnDocument, VtnV2Document } from '@engine-kit/vtn-standard';

const IGNORED = Symbol.for('@engine-kit/engine.ignored');
const NON_VTN = Symbol.for('@engine-kit/engine.non-vtn');

/** Returned by a chunk handler to answer 204: the toolkit reports the chunk as ignored. */
export interface IgnoredChunk {
  readonly [IGNORED]: true;
}

/** Returned by a chunk handler whose output is not VTN (e.g. TTML): sent as is with its type. */
export interface NonVtnOutput {
  readonly [NON_VTN]: true;
  readonly body: string | Uint8Array;
  readonly contentType: string;
}

const IGNORED_CHUNK: IgnoredChunk = Object.freeze({ [IGNORED]: true as const });

/** `return ignore()` from a chunk handler: the `/process` webhook answers 204 No Content. */
export function ignore(): IgnoredChunk {
  return IGNORED_CHUNK;
}

/** `return nonVtnOutput(ttml, 'application/ttml+xml')`: a 200 with this body and Content-Type. */
export function nonVtnOutput(body: string | Uint8Array, contentType: string): NonVtnOutput {
  return { [NON_VTN]: true, body, contentType };
}

/** A VTN document of either version: what a handler returns for a 200 `application/json` answer or a result. */
export type VtnOutput = VtnDocument | VtnV2Document;

/**
 * What a `process` or `run` handler may return: a VTN document (200 JSON), `nonVtnOutput(...)` (200 with
 * its own type), `ignore()` or nothing (204). Typed so that an object literal that is not a VTN document
 * (`{ series: [{ startTimeMs: 'soon' }] }`) is a compile error; use `nonVtnOutput` for anything else.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that answers 204 simply returns nothing.
export type ProcessOutput = VtnOutput | NonVtnOutput | IgnoredChunk | undefined | void;

export function isIgnored(value: unknown): value is IgnoredChunk {
  return typeof value === 'object' && value !== null && IGNORED in value;
}

export function isNonVtnOutput(value: unknown): value is NonVtnOutput {
  return typeof value === 'object' && value !== null && NON_VTN in value;
}
