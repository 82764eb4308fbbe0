import { z } from 'zod';
import { fingerprintDistance, type Fingerprint } from './fingerprint.ts';

export const MODEL_FORMAT = 'engine-kit/logo-fingerprints';
export const MODEL_VERSION = 1;
export const MODEL_CONTENT_TYPE = 'application/json';
export const MODEL_FILE_NAME = 'logo-model.json';

export const ModelFingerprintSchema = z.object({
  entityId: z.string().min(1),
  entityIdentifierId: z.string().min(1),
  /** The entity's name at training time, reported as the object's label. */
  entityName: z.string().optional(),
  hash: z.string().regex(/^[0-9a-f]{16}$/),
  colour: z.array(z.number().min(0).max(255)).length(48),
});
export type ModelFingerprint = z.infer<typeof ModelFingerprintSchema>;

export const LogoModelSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  libraryId: z.string().min(1),
  fingerprints: z.array(ModelFingerprintSchema),
});
export type LogoModel = z.infer<typeof LogoModelSchema>;

export interface ModelIssue {
  path: string;
  message: string;
  code: string;
}

export type ModelParseResult = { success: true; data: LogoModel } | { success: false; issues: ModelIssue[] };

export function buildModel(libraryId: string, fingerprints: readonly ModelFingerprint[]): LogoModel {
  return { format: MODEL_FORMAT, version: MODEL_VERSION, libraryId, fingerprints: [...fingerprints] };
}

/** Validates a parsed model file; never throws, so a corrupt cache entry becomes an issue list. */
export function parseModel(value: unknown): ModelParseResult {
  const parsed = LogoModelSchema.safeParse(value);
  if (parsed.success) return { success: true, data: parsed.data };
  return {
    success: false,
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '' : `/${issue.path.join('/')}`,
      message: issue.message,
      code: issue.code,
    })),
  };
}

/** Parses model file text (JSON); never throws. */
export function parseModelText(text: string): ModelParseResult {
  try {
    return parseModel(JSON.parse(text));
  } catch (error) {
    return {
      success: false,
      issues: [{ path: '', message: `Model is not JSON: ${(error as Error).message}`, code: 'invalid_json' }],
    };
  }
}

export interface LogoMatch {
  entityId: string;
  entityIdentifierId: string;
  entityName?: string;
  distance: number;
  confidence: number;
}

/**
 * Distance at or above which an image is not reported. Measured on generated libraries (see the
 * README): resized, re-encoded or noised library images stay below ~0.1, unrelated logos above ~0.55.
 */
export const DEFAULT_MATCH_THRESHOLD = 0.3;

/** Confidence falls linearly from 1 at distance 0 to 0 at the threshold. */
function confidenceFor(distance: number, threshold: number): number {
  return Math.max(0, Math.min(1, 1 - distance / threshold));
}

/** The library entity whose nearest fingerprint is closest, if it is closer than the threshold. */
export function matchFingerprint(
  model: LogoModel,
  fingerprint: Fingerprint,
  threshold = DEFAULT_MATCH_THRESHOLD,
): LogoMatch | undefined {
  let best: LogoMatch | undefined;
  for (const candidate of model.fingerprints) {
    const distance = fingerprintDistance(fingerprint, candidate);
    if (distance < threshold && (!best || distance < best.distance)) {
      best = {
        entityId: candidate.entityId,
        entityIdentifierId: candidate.entityIdentifierId,
        ...(candidate.entityName ? { entityName: candidate.entityName } : {}),
        distance,
        confidence: confidenceFor(distance, threshold),
      };
    }
  }
  return best;
}
