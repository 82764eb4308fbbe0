import type { VtnVersion } from '@engine-kit/vtn-standard';
import type { TaskFailureReason } from '@engine-kit/contracts';

/** How the toolkit reports one chunk (or training/run task): the CLI prints it as JSON. */
export type ChunkStatus = 'complete' | 'ignored' | 'failed';

/** How the engine answered `/process`. */
export type ProcessResponseKind =
  | 'vtn'
  | 'non-vtn'
  | 'invalid'
  | 'ignored'
  | 'async'
  | 'failure'
  | 'no-response';

export interface ProcessCall {
  attempt: number;
  /** HTTP status; absent when the request itself failed (connection refused, timeout). */
  status?: number;
  kind: ProcessResponseKind;
  durationMs: number;
  error?: string;
}

export interface SummaryOutput {
  index: number;
  /** `callback`: posted to `externalCallbackWebhook` (batch engines, external processors). */
  source: 'process-response' | 'result-webhook' | 'callback';
  receivedAtMs: number;
  contentType: string;
  /** The parsed JSON output (VTN), when the output is JSON. */
  output?: unknown;
  /** The raw body of a non-JSON output (e.g. TTML), or file names of multipart uploads. */
  body?: string;
  /** `true` valid VTN, `false` invalid VTN, `null` not VTN (not validated). */
  valid: boolean | null;
  /** The VTN version the output was validated as: the task's `vtnVersion`, else its `$schema`, else v1. */
  vtnVersion?: VtnVersion;
  chunkContext?: string;
  startOffsetMs?: number;
  endOffsetMs?: number;
  outputFolderID?: string;
  chunkMetadata?: Record<string, string>;
  /** Set when the output was too large to keep: `body` then holds a preview and `output` is absent. */
  truncated?: { originalChars: number };
}

export interface SummaryHeartbeat {
  receivedAtMs: number;
  /** Answered 204 (a valid `status`, and `failureReason` when failed); warnings list what else is off. */
  accepted: boolean;
  heartbeat: unknown;
  /** Set when the heartbeat was too large to keep: `heartbeat` then holds a preview (a string). */
  truncated?: { originalChars: number };
  /** `callback` when it was posted to `externalCallbackWebhook`. */
  via?: 'heartbeat-webhook' | 'callback';
}

/**
 * Something off that the toolkit accepted, as the real toolkit would: printed on stderr by the CLI,
 * shown by the console, listed here. With `strict`, invalid outputs fail the chunk instead.
 */
export interface ToolkitWarning {
  code: string;
  message: string;
  source?: 'output' | 'heartbeat' | 'result' | 'process-response' | 'callback' | 'chunk' | 'notification';
  /** Index into `outputs` or `heartbeats`, for warnings about one of them. */
  index?: number;
}

export interface ValidationIssue {
  source: 'output' | 'heartbeat' | 'result';
  /** Index into `outputs` or `heartbeats`. */
  index: number;
  path: string;
  message: string;
  code: string;
  contract?: string;
}

export interface NotificationRecord {
  url: string;
  outputIndex: number;
  status?: number;
  error?: string;
}

export interface ToolkitSummary {
  status: ChunkStatus;
  /** A heartbeat failureReason, or `chunk_timeout` when maxTTL ran out. */
  failureReason?: TaskFailureReason;
  failureMsg?: string;
  mode: string;
  internalJobId: string;
  internalTaskId: string;
  responseKind?: ProcessResponseKind;
  outputs: SummaryOutput[];
  heartbeats: SummaryHeartbeat[];
  validationIssues: ValidationIssue[];
  /** Outputs that are not valid VTN standard; the chunk fails for them only with `strict`. */
  invalidOutputs: number;
  /** Whether invalid outputs fail the chunk (`--strict`). */
  strict: boolean;
  warnings: ToolkitWarning[];
  processCalls: ProcessCall[];
  notifications: NotificationRecord[];
  /** The form fields sent to `/process` (the chunk file part excluded). */
  fields: Record<string, string>;
  redisEt?: { url: string; store: 'redis' | 'memory' };
  engine?: {
    command: string[];
    pid?: number;
    exitCode?: number | null;
    signal?: string | null;
    crashed: boolean;
    /** The webhooks the toolkit called, and whether they came from `VERITONE_WEBHOOK_*`. */
    readyUrl?: string;
    processUrl?: string;
    webhookSource?: 'environment' | 'generated';
  };
  timings: { startedAt: string; readyMs?: number; processMs: number; totalMs: number };
}

/** The CLI's exit code: 0 only for a completed or ignored chunk. */
export function exitCodeForSummary(summary: Pick<ToolkitSummary, 'status'>): number {
  return summary.status === 'failed' ? 1 : 0;
}
