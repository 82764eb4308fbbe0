export type SegmentKind = 'sound' | 'silence';

export interface Segment {
  kind: SegmentKind;
  startMs: number;
  stopMs: number;
}

export interface SegmenterOptions {
  sampleRate: number;
  /** Analysis frame length (default 10 ms): the resolution of every boundary. */
  frameMs?: number;
  /** Frame energy (dBFS) at or above which silence may turn into sound (default -30). */
  enterDb?: number;
  /** Frame energy (dBFS) below which sound may turn into silence (default -38); lower than enterDb for hysteresis. */
  exitDb?: number;
  /** Energy must stay above enterDb this long before a sound segment starts (default 50 ms). */
  minSoundMs?: number;
  /** Energy must stay below exitDb this long before a silence segment starts (default 120 ms). */
  minSilenceMs?: number;
}

export type SegmenterErrorCode = 'invalid_options';

/** Bad tuning (e.g. from the task payload); reported as failureReason `invalid_data`. */
export class SegmenterOptionsError extends Error {
  readonly code: SegmenterErrorCode = 'invalid_options';
  readonly failureReason = 'invalid_data' as const;

  constructor(message: string) {
    super(message);
    this.name = 'SegmenterOptionsError';
  }
}

const ENERGY_FLOOR = 1e-12;

function validated(options: SegmenterOptions): Required<SegmenterOptions> {
  const resolved = {
    frameMs: 10,
    enterDb: -30,
    exitDb: -38,
    minSoundMs: 50,
    minSilenceMs: 120,
    ...options,
  };
  if (!(resolved.sampleRate > 0) || !(resolved.frameMs > 0)) {
    throw new SegmenterOptionsError('sampleRate and frameMs must be positive numbers.');
  }
  if (resolved.exitDb > resolved.enterDb) {
    throw new SegmenterOptionsError(
      `exitDb (${resolved.exitDb}) must not exceed enterDb (${resolved.enterDb}).`,
    );
  }
  return resolved;
}

/**
 * Splits a mono sample stream into sound and silence with short-time energy and hysteresis.
 * A segment is returned as soon as it is closed, i.e. once the opposite state has persisted
 * for its minimum duration; its boundary is placed where that opposite run began.
 */
export class EnergySegmenter {
  readonly #options: Required<SegmenterOptions>;
  readonly #frameSamples: number;
  #frame = 0;
  #frameEnergy = 0;
  #frameFill = 0;
  #samples = 0;
  #state: SegmentKind = 'silence';
  #stateStartFrame = 0;
  #runStartFrame: number | undefined;

  constructor(options: SegmenterOptions) {
    this.#options = validated(options);
    this.#frameSamples = Math.max(1, Math.round((this.#options.sampleRate * this.#options.frameMs) / 1000));
  }

  /** Milliseconds of audio consumed so far. */
  get processedMs(): number {
    return this.#samplesToMs(this.#samples);
  }

  push(samples: Float32Array): Segment[] {
    const closed: Segment[] = [];
    for (const sample of samples) {
      this.#frameEnergy += sample * sample;
      this.#frameFill++;
      this.#samples++;
      if (this.#frameFill === this.#frameSamples) {
        this.#closeFrame(this.#frameEnergy / this.#frameFill, closed);
        this.#frameEnergy = 0;
        this.#frameFill = 0;
      }
    }
    return closed;
  }

  /** Flushes the stream: returns the last open segment (a trailing partial frame counts toward it). */
  end(): Segment[] {
    const start = this.#frameToMs(this.#stateStartFrame);
    const stop = this.processedMs;
    return stop > start ? [{ kind: this.#state, startMs: start, stopMs: stop }] : [];
  }

  #closeFrame(meanSquare: number, closed: Segment[]): void {
    const db = 10 * Math.log10(meanSquare + ENERGY_FLOOR);
    const { enterDb, exitDb, minSoundMs, minSilenceMs, frameMs } = this.#options;
    const opposite = this.#state === 'silence' ? db >= enterDb : db < exitDb;
    if (!opposite) {
      this.#runStartFrame = undefined;
    } else {
      this.#runStartFrame ??= this.#frame;
      const runMs = (this.#frame + 1 - this.#runStartFrame) * frameMs;
      if (runMs >= (this.#state === 'silence' ? minSoundMs : minSilenceMs)) this.#switchState(closed);
    }
    this.#frame++;
  }

  #switchState(closed: Segment[]): void {
    const boundary = this.#runStartFrame!;
    if (boundary > this.#stateStartFrame) {
      closed.push({
        kind: this.#state,
        startMs: this.#frameToMs(this.#stateStartFrame),
        stopMs: this.#frameToMs(boundary),
      });
    }
    this.#state = this.#state === 'silence' ? 'sound' : 'silence';
    this.#stateStartFrame = boundary;
    this.#runStartFrame = undefined;
  }

  #frameToMs(frame: number): number {
    return this.#samplesToMs(frame * this.#frameSamples);
  }

  #samplesToMs(samples: number): number {
    return Math.round((samples * 1000) / this.#options.sampleRate);
  }
}
