import type { ToolkitEvent } from './chunk-run.ts';

/**
 * CLI feedback on stderr. On a TTY a status line (heartbeats, the chunk progress bar) is redrawn
 * in place and events print above it; otherwise every update is a plain line, so a log file
 * reads top to bottom. Formatting is pure (`formatProgressBar`, `describeToolkitEvent`); the
 * reporter only writes.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type ProgressSetting = 'auto' | 'on' | 'off';

/** `--progress` forces it on, `--quiet` off; by default it is on when stderr is a TTY. */
export function progressEnabled(setting: ProgressSetting, stream: ProgressStream): boolean {
  if (setting === 'on') return true;
  if (setting === 'off') return false;
  return stream.isTTY === true;
}

export interface BarState {
  done: number;
  total: number;
  failed?: number;
  elapsedMs: number;
}

/** `[#####.....] 12/20 chunks  3.4/s  ETA 2s  (1 failed)` */
export function formatProgressBar(state: BarState, width = 24): string {
  const total = Math.max(state.total, state.done);
  const ratio = total > 0 ? state.done / total : 0;
  const filled = Math.round(ratio * width);
  const rate = state.elapsedMs > 0 ? state.done / (state.elapsedMs / 1000) : 0;
  const remaining = total - state.done;
  const eta = rate > 0 && remaining > 0 ? `  ETA ${formatDuration((remaining / rate) * 1000)}` : '';
  const failed = state.failed ? `  (${state.failed} failed)` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${state.done}/${total} chunks  ${rate.toFixed(1)}/s${eta}${failed}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** One line for a toolkit event, or undefined when the event is not worth a line. */
export function describeToolkitEvent(event: ToolkitEvent): string | undefined {
  switch (event.type) {
    case 'process-call': {
      const { call } = event;
      const status = call.status === undefined ? 'no answer' : `HTTP ${call.status}`;
      const failed = call.kind === 'failure' || call.kind === 'no-response';
      const detail = call.error ? `: ${call.error.slice(0, 200)}` : '';
      return `/process call ${call.attempt}: ${status}, ${call.kind}, ${call.durationMs} ms${detail}${failed ? ' (will retry if attempts remain)' : ''}`;
    }
    case 'heartbeat': {
      const beat = event.heartbeat.heartbeat as Record<string, unknown> | undefined;
      if (!event.heartbeat.accepted) return 'heartbeat rejected (malformed; see validationIssues)';
      const parts = [`heartbeat ${String(beat?.status ?? '?')}`];
      for (const key of ['bytesRead', 'bytesWritten', 'messagesWritten'])
        if (typeof beat?.[key] === 'number') parts.push(`${key}=${beat[key]}`);
      if (typeof beat?.failureReason === 'string') parts.push(`failureReason=${beat.failureReason}`);
      return parts.join(' ');
    }
    case 'output': {
      const { output } = event;
      const validity =
        output.valid === true ? 'valid VTN' : output.valid === false ? 'INVALID VTN' : 'not VTN';
      return `output ${output.index} from ${output.source}: ${output.contentType}, ${validity}${describeCounts(output.output)}`;
    }
    case 'issue':
      return `issue (${event.issue.source} ${event.issue.index}) ${event.issue.path || '/'}: ${event.issue.message}`;
    case 'notification': {
      const { notification } = event;
      const host = safeHost(notification.url);
      return `notified ${host}: ${notification.status ?? notification.error ?? '?'}`;
    }
    case 'summary':
      return undefined;
  }
}

function describeCounts(output: unknown): string {
  if (typeof output !== 'object' || output === null) return '';
  const doc = output as { series?: unknown; object?: unknown };
  const parts: string[] = [];
  if (Array.isArray(doc.series)) parts.push(`${doc.series.length} series`);
  if (Array.isArray(doc.object)) parts.push(`${doc.object.length} objects`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Notification URIs may carry tokens in their query: only the host is shown. */
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

export class ProgressReporter {
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #prefix: string;
  #status = '';

  constructor(stream: ProgressStream, options: { prefix?: string; tty?: boolean } = {}) {
    this.#stream = stream;
    this.#tty = options.tty ?? stream.isTTY === true;
    this.#prefix = options.prefix ?? 'engine-toolkit: ';
  }

  /** A permanent line (above the status line on a TTY). */
  line(text: string) {
    if (this.#tty && this.#status) this.#stream.write('\r\x1b[2K');
    this.#stream.write(`${this.#prefix}${text}\n`);
    if (this.#tty && this.#status) this.#stream.write(this.#fit(this.#status));
  }

  /** A transient line: redrawn in place on a TTY, printed as a line otherwise. */
  status(text: string) {
    if (!this.#tty) {
      this.#stream.write(`${this.#prefix}${text}\n`);
      return;
    }
    this.#status = text;
    this.#stream.write(`\r\x1b[2K${this.#fit(text)}`);
  }

  event(event: ToolkitEvent, label = '') {
    const text = describeToolkitEvent(event);
    if (text === undefined) return;
    if (event.type === 'heartbeat' && event.heartbeat.accepted) this.status(label + text);
    else this.line(label + text);
  }

  /** Ends the status line so the next output starts on a clean line. */
  done(text?: string) {
    if (this.#tty && this.#status) this.#stream.write('\r\x1b[2K');
    this.#status = '';
    if (text) this.#stream.write(`${this.#prefix}${text}\n`);
  }

  #fit(text: string): string {
    const columns = this.#stream.columns ?? 100;
    const full = this.#prefix + text;
    return full.length > columns - 1 ? `${full.slice(0, Math.max(10, columns - 2))}…` : full;
  }
}
