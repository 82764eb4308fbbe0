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
  source: 'process-response' | 'result-webhook';
  receivedAtMs: number;
  contentType: string;
  /** The parsed JSON output (VTN), when the output is JSON. */
  output?: unknown;
  /** The raw body of a non-JSON output (e.g. TTML), or file names of multipart uploads. */
  body?: string;
  /** `true` valid VTN, `false` invalid VTN, `null` not VTN (not validated). */
  valid: boolean | null;
  chunkContext?: string;
  startOffsetMs?: number;
  endOffsetMs?: number;
  outputFolderID?: string;
  chunkMetadata?: Record<string, string>;
}

export interface SummaryHeartbeat {
  receivedAtMs: number;
  accepted: boolean;
  heartbeat: unknown;
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
  };
  timings: { startedAt: string; readyMs?: number; processMs: number; totalMs: number };
}

/** The CLI's exit code: 0 only for a completed or ignored chunk. */
export function exitCodeForSummary(summary: Pick<ToolkitSummary, 'status'>): number {
  return summary.status === 'failed' ? 1 : 0;
}
