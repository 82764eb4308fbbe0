/**
 * Merges the VTN outputs of every chunk of one media file into one AION document. Pure.
 *
 * Rules (see the README):
 * - engines report media time (a chunk's `startOffsetMS` plus the offset inside it), so series
 *   times are kept as sent; an item outside its chunk's range gets a warning, not a shift;
 * - root `object` entries of a chunk that covers media time (a video frame or clip) become series
 *   items spanning the chunk, so a frame engine's detections carry media time; root objects of
 *   untimed chunks (still images) stay root objects, in chunk order;
 * - series items are ordered by start time, then stop time, then chunk order;
 * - `validationContracts` is the union in first-seen order; other root arrays are concatenated
 *   in chunk order; other root values are taken from the first chunk that has them;
 * - `mergeConsecutive` joins identical detections (same item apart from times, `boundingPoly`
 *   and `confidence`) whose times touch or overlap into one item (the first polygon, the highest
 *   confidence).
 */
export interface MergeChunkInput {
  index: number;
  startOffsetMs: number;
  endOffsetMs: number;
  /** The JSON outputs of the chunk (non-objects are skipped). */
  outputs: readonly unknown[];
}

export interface MergeOptions {
  mergeConsecutive?: boolean;
  /** Warnings kept in full; the rest are only counted. */
  maxWarnings?: number;
}

export interface MergeWarning {
  chunkIndex: number;
  code: 'series_outside_chunk' | 'series_without_times' | 'conflicting_root_value';
  message: string;
}

export interface MergeCounts {
  documents: number;
  seriesItems: number;
  /** Series items before `mergeConsecutive` joined them. */
  seriesItemsBeforeMerge: number;
  rootObjects: number;
  /** Series and root objects by `object.type` (or `words`/`other` for items without an object). */
  byType: Record<string, number>;
}

export interface MergeResult {
  document: Record<string, unknown>;
  warnings: MergeWarning[];
  warningCount: number;
  counts: MergeCounts;
}

export const DEFAULT_MAX_MERGE_WARNINGS = 100;

type Item = Record<string, unknown>;
interface Placed {
  item: Item;
  chunkIndex: number;
  order: number;
}

export function mergeChunkDocuments(
  chunks: readonly MergeChunkInput[],
  options: MergeOptions = {},
): MergeResult {
  const maxWarnings = options.maxWarnings ?? DEFAULT_MAX_MERGE_WARNINGS;
  const warnings: MergeWarning[] = [];
  let warningCount = 0;
  const warn = (warning: MergeWarning) => {
    warningCount++;
    if (warnings.length < maxWarnings) warnings.push(warning);
  };
  const root: Record<string, unknown> = {};
  const contracts: string[] = [];
  const series: Placed[] = [];
  const rootObjects: unknown[] = [];
  let documents = 0;
  let order = 0;
  for (const chunk of [...chunks].sort((a, b) => a.index - b.index)) {
    const timed = chunk.endOffsetMs > chunk.startOffsetMs;
    for (const output of chunk.outputs) {
      if (!isRecord(output)) continue;
      documents++;
      for (const [key, value] of Object.entries(output)) {
        if (key === 'series' && Array.isArray(value)) {
          for (const item of value) {
            if (!isRecord(item)) continue;
            checkTimes(item, chunk, warn);
            series.push({ item, chunkIndex: chunk.index, order: order++ });
          }
        } else if (key === 'object' && Array.isArray(value)) {
          for (const object of value) {
            if (timed && isRecord(object)) {
              const item = { startTimeMs: chunk.startOffsetMs, stopTimeMs: chunk.endOffsetMs, object };
              series.push({ item, chunkIndex: chunk.index, order: order++ });
            } else rootObjects.push(object);
          }
        } else if (key === 'validationContracts' && Array.isArray(value)) {
          for (const name of value)
            if (typeof name === 'string' && !contracts.includes(name)) contracts.push(name);
        } else if (Array.isArray(value)) {
          root[key] = [...((root[key] as unknown[] | undefined) ?? []), ...value];
        } else if (!(key in root)) {
          root[key] = value;
        } else if (JSON.stringify(root[key]) !== JSON.stringify(value) && key !== 'generatedDateUTC') {
          warn({
            chunkIndex: chunk.index,
            code: 'conflicting_root_value',
            message: `chunk ${chunk.index} sets "${key}" differently from an earlier chunk; the first value is kept`,
          });
        }
      }
    }
  }
  series.sort(
    (a, b) =>
      timeOf(a.item, 'startTimeMs') - timeOf(b.item, 'startTimeMs') ||
      timeOf(a.item, 'stopTimeMs') - timeOf(b.item, 'stopTimeMs') ||
      a.chunkIndex - b.chunkIndex ||
      a.order - b.order,
  );
  const ordered = series.map((placed) => placed.item);
  const mergedSeries = options.mergeConsecutive ? joinConsecutive(ordered) : ordered;
  const document: Record<string, unknown> = { ...root };
  if (contracts.length > 0) document.validationContracts = contracts;
  if (mergedSeries.length > 0) document.series = mergedSeries;
  if (rootObjects.length > 0) document.object = rootObjects;
  return {
    document,
    warnings,
    warningCount,
    counts: {
      documents,
      seriesItems: mergedSeries.length,
      seriesItemsBeforeMerge: ordered.length,
      rootObjects: rootObjects.length,
      byType: countByType(mergedSeries, rootObjects),
    },
  };
}

function checkTimes(item: Item, chunk: MergeChunkInput, warn: (warning: MergeWarning) => void) {
  const start = item.startTimeMs;
  const stop = item.stopTimeMs;
  if (typeof start !== 'number' || typeof stop !== 'number') {
    warn({
      chunkIndex: chunk.index,
      code: 'series_without_times',
      message: `a series item of chunk ${chunk.index} has no numeric startTimeMs/stopTimeMs`,
    });
    return;
  }
  if (chunk.endOffsetMs <= chunk.startOffsetMs) return;
  if (start < chunk.startOffsetMs || stop > chunk.endOffsetMs || start > stop) {
    const relative = start < chunk.startOffsetMs && stop <= chunk.endOffsetMs - chunk.startOffsetMs;
    warn({
      chunkIndex: chunk.index,
      code: 'series_outside_chunk',
      message:
        `series item [${start}, ${stop}] ms of chunk ${chunk.index} lies outside the chunk's media range [${chunk.startOffsetMs}, ${chunk.endOffsetMs}] ms` +
        (relative
          ? '; it looks chunk-relative: engines report media time (startOffsetMS + offset inside)'
          : ''),
    });
  }
}

function timeOf(item: Item, key: 'startTimeMs' | 'stopTimeMs'): number {
  const value = item[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.MAX_SAFE_INTEGER;
}

/** Identity of a detection: the item without its times, polygon and confidence. */
function identityKey(item: Item): string {
  const { startTimeMs: _start, stopTimeMs: _stop, ...rest } = item;
  if (isRecord(rest.object)) {
    const { boundingPoly: _poly, confidence: _confidence, ...object } = rest.object;
    rest.object = object;
  }
  return stableStringify(rest);
}

function joinConsecutive(items: readonly Item[]): Item[] {
  const result: Item[] = [];
  const open = new Map<string, Item>();
  for (const item of items) {
    if (typeof item.startTimeMs !== 'number' || typeof item.stopTimeMs !== 'number') {
      result.push(item);
      continue;
    }
    const key = identityKey(item);
    const previous = open.get(key);
    if (previous && (previous.stopTimeMs as number) >= item.startTimeMs) {
      previous.stopTimeMs = Math.max(previous.stopTimeMs as number, item.stopTimeMs);
      joinConfidence(previous, item);
      continue;
    }
    const copy: Item = { ...item, ...(isRecord(item.object) ? { object: { ...item.object } } : {}) };
    open.set(key, copy);
    result.push(copy);
  }
  return result;
}

function joinConfidence(target: Item, item: Item) {
  const targetObject = target.object;
  const itemObject = item.object;
  if (isRecord(targetObject) && isRecord(itemObject)) {
    const a = targetObject.confidence;
    const b = itemObject.confidence;
    if (typeof a === 'number' && typeof b === 'number' && b > a) targetObject.confidence = b;
  }
}

function countByType(series: readonly Item[], rootObjects: readonly unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (type: string) => {
    counts[type] = (counts[type] ?? 0) + 1;
  };
  for (const item of series) {
    if (isRecord(item.object)) add(typeof item.object.type === 'string' ? item.object.type : 'object');
    else if (Array.isArray(item.words)) add('words');
    else add('other');
  }
  for (const object of rootObjects)
    add(isRecord(object) && typeof object.type === 'string' ? object.type : 'object');
  return counts;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
