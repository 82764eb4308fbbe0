import type { LogoMatch } from './model.ts';

export interface LogoObject {
  type: 'logo';
  label?: string;
  confidence: number;
  libraryId: string;
  entityId: string;
  entityIdentifierId: string;
}

export interface LogoVtn {
  schemaId: string;
  validationContracts: ['logo'];
  object: LogoObject[];
}

const VTN_SCHEMA_ID = 'https://docs.veritone.com/schemas/vtn-standard/master.json';

/** Rounds so documents are stable across runs and readable. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * VTN for one frame: one `logo` object per recognised entity, or an empty object list. It declares
 * the engine-category `logo` contract, which `@engine-kit/vtn-standard` checks as object output of type `logo`.
 */
export function logoMatchesToVtn(libraryId: string, matches: readonly LogoMatch[]): LogoVtn {
  return {
    schemaId: VTN_SCHEMA_ID,
    validationContracts: ['logo'],
    object: matches.map((match) => ({
      type: 'logo',
      ...(match.entityName ? { label: match.entityName } : {}),
      confidence: round(match.confidence),
      libraryId,
      entityId: match.entityId,
      entityIdentifierId: match.entityIdentifierId,
    })),
  };
}
