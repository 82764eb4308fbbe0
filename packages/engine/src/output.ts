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

export function isIgnored(value: unknown): value is IgnoredChunk {
  return typeof value === 'object' && value !== null && IGNORED in value;
}

export function isNonVtnOutput(value: unknown): value is NonVtnOutput {
  return typeof value === 'object' && value !== null && NON_VTN in value;
}
