import type { LogoMatch } from './model.ts';

/** A type alias, not an interface: VTN output types take extra keys, which needs an implicit index signature. */
export type LogoObject = {
  type: 'logo';
  /** The entity's name, else its id. */
  label: string;
  confidence: number;
  /** The whole frame: recognition matches the frame as a whole, it does not locate the logo. */
  boundingPoly: { x: number; y: number }[];
  libraryId: string;
  entityId: string;
  entityIdentifierId: string;
};

export type LogoVtn = {
  schemaId: string;
  validationContracts: ['logo'];
  object: LogoObject[];
};

const WHOLE_FRAME = [
  { x: 0, y: 0 },
  { x: 1, y: 0 },
  { x: 1, y: 1 },
  { x: 0, y: 1 },
];

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
      label: match.entityName || match.entityId,
      confidence: round(match.confidence),
      boundingPoly: WHOLE_FRAME.map((point) => ({ ...point })),
      libraryId,
      entityId: match.entityId,
      entityIdentifierId: match.entityIdentifierId,
    })),
  };
}
