import type { DownloadSource } from './download.ts';
import type { ModelKey } from './key.ts';
import type { ModelManifest, VerifyProblem } from './manifest.ts';

export interface ModelCacheOptions {
  /** Folder that holds every cached model as `{root}/{libraryId}/{libraryEngineModelId}`. */
  root: string;
  /**
   * A fill lock not refreshed for this long is taken over by the next caller (default 20 000 ms).
   * The holder refreshes it every quarter of this while its fill runs.
   */
  lockStaleMs?: number;
  /**
   * A version that is not the model's current one is removed once no process has published or
   * used it (`ensure`) for this long (default 600 000 ms = 10 min).
   */
  versionGraceMs?: number;
  /** `ensure`'s `timeoutMs` when the call gives none (default 900 000 ms = 15 min). */
  waitTimeoutMs?: number;
}

/** What `fill` gets: a private, empty staging folder to write the model's files into. */
export interface FillContext {
  dir: string;
  /** Aborts when every caller waiting for this fill has given up. */
  signal: AbortSignal;
}

export type FillFunction = (context: FillContext) => Promise<void> | void;

export interface EnsureOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface EnsureResult {
  /** The published model folder; never modified once published. */
  dir: string;
  /** True when the model was already published when the call began. */
  hit: boolean;
}

export interface EnsureFromUrlOptions extends EnsureOptions {
  headers?: Record<string, string>;
  /** Expected SHA-256 (hex) of the downloaded file. */
  sha256?: string;
  /** Name of the file inside the model folder (default: the URL's last path segment, else `model`). */
  fileName?: string;
  /** A fetch implementation to use instead of the global one. */
  fetch?: typeof fetch;
  /** Most bytes the download may have (default 4 GiB). */
  maxBytes?: number;
  /** Longest pause between two pieces of the response (default 60 000 ms). */
  idleTimeoutMs?: number;
}

export interface EnsureFromUrlResult extends EnsureResult {
  /** The downloaded file inside `dir`. */
  file: string;
}

export type { DownloadSource };

export interface VerifyResult {
  dir: string;
  /** False when nothing is published for the key. */
  cached: boolean;
  /** True when every file still matches the manifest written at publish time. */
  ok: boolean;
  manifest?: ModelManifest;
  problems: VerifyProblem[];
}

export interface PruneOptions {
  /** Evict least recently used models until the published models take at most this many bytes. */
  maxBytes?: number;
  /** Evict models not used for this long. */
  olderThanMs?: number;
}

export interface PruneResult {
  evicted: ModelKey[];
  freedBytes: number;
  keptBytes: number;
  /** Staging folders left by crashed or abandoned fills that were removed. */
  removedStaging: number;
}
