import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileConsumer } from '../../../tooling/testing/consumer.ts';

describe('package surface', () => {
  it('exports exactly these names', async () => {
    expect(Object.keys(await import('../src/index.ts')).sort()).toEqual([
      'AionContractSchema',
      'AnomalyContractSchema',
      'AudioFingerprintContractSchema',
      'BoundingPolySchema',
      'CAPABILITY_CONTRACTS_V2',
      'CAPABILITY_RULES_V2',
      'CONTRACT_SCHEMAS',
      'CommentSchema',
      'ConceptContractSchema',
      'ConceptObjectSchema',
      'ConfidenceSchema',
      'DATE_TIME_PATTERN',
      'DECLARABLE_CONTRACTS',
      'DOCS_ONLY_CONTRACTS',
      'DOCUMENT_JSON_SCHEMA_FILE',
      'DOCUMENT_JSON_SCHEMA_FILE_V2',
      'EmbeddingSchema',
      'EmotionSchema',
      'EntityContractSchema',
      'FaceContractSchema',
      'FaceLandmarkSchema',
      'GeolocationContractSchema',
      'GpsCoordinateSchema',
      'JSON_SCHEMA_BASE_URI',
      'JSON_SCHEMA_BASE_URI_V2',
      'KNOWN_DIFFERENCES',
      'KNOWN_DIFFERENCES_V2',
      'KeywordContractSchema',
      'KeywordObjectSchema',
      'LanguageContractSchema',
      'LicensePlateContractSchema',
      'LicensePlateSchema',
      'LogoContractSchema',
      'MediaSchema',
      'MediaTranslatedContractSchema',
      'MotorVehicleSchema',
      'NamedEntityObjectSchema',
      'OBJECT_CONTRACT_SCHEMAS_V2',
      'OBJECT_RESULT_TYPES',
      'OBJECT_RESULT_TYPES_V2',
      'ObjectCategorySchema',
      'ObjectContractSchema',
      'ObjectResultSchema',
      'ObjectResultTypeSchema',
      'ObjectResultV2Schema',
      'PointSchema',
      'ProcessedStatsSchema',
      'REFERENCE_CONTRACTS',
      'SentimentContractSchema',
      'SentimentSchema',
      'SeriesItemSchema',
      'SeriesItemV2Schema',
      'SpeakerContractSchema',
      'StructuredDataContractSchema',
      'StructuredDataSchema',
      'SummaryContractSchema',
      'TagSchema',
      'TextContractSchema',
      'TextObjectSchema',
      'TranscriptContractSchema',
      'TranslatedMediaSchema',
      'UUID_PATTERN',
      'V2_SCHEMA_URL',
      'VTN_VERSIONS',
      'ValidationContractNameSchema',
      'ValidationContractsSchema',
      'ValidationContractsV2Schema',
      'VectorSchema',
      'VendorSchema',
      'VtnDocumentSchema',
      'VtnRegionError',
      'VtnV2DocumentSchema',
      'WordSchema',
      'WordV2Schema',
      'WordsSchema',
      'WordsV2Schema',
      'boxToBoundingPoly',
      'formatJsonSchema',
      'generateJsonSchemas',
      'polygonToBoundingPoly',
      'resolveVtnVersion',
      'upgradeToV2',
      'validate',
    ]);
  });

  it('compiles an ESM and a CJS consumer against the built declarations', { timeout: 180_000 }, () => {
    const body = `
const result: VtnValidationResult = validate({ series: [] }, { contract: 'aion' });
if (result.success) {
  const doc: VtnDocument = result.data;
  const items: SeriesItem[] = doc.series ?? [];
  void items;
} else {
  const first: VtnIssue | undefined = result.issues[0];
  void first?.path;
}
const poly: BoundingPoly = boxToBoundingPoly({ x: 1, y: 1, width: 2, height: 2 }, { width: 10, height: 10 });
const word: Word = WordSchema.parse({ word: 'hi' });
const object: ObjectResult = ObjectResultSchema.parse({ type: 'face' });
void poly; void word; void object;
const v2: VtnValidationResult<VtnV2Document> = validate({ object: [] }, { version: 'v2' });
const plate: ObjectResultV2 | undefined = v2.success ? v2.data.object?.[0] : undefined;
const upgraded: UpgradeResult = upgradeToV2({ series: [] });
void plate; void upgraded;
`;
    const names =
      'validate, boxToBoundingPoly, WordSchema, ObjectResultSchema, upgradeToV2, type VtnValidationResult, type VtnDocument, type SeriesItem, type VtnIssue, type BoundingPoly, type Word, type ObjectResult, type VtnV2Document, type ObjectResultV2, type UpgradeResult';
    const outcome = compileConsumer({
      packageName: '@engine-kit/vtn-standard',
      packageDir: join(import.meta.dirname, '..'),
      esmSource: `import { ${names} } from '@engine-kit/vtn-standard';\n${body}`,
      cjsSource: `import { ${names} } from '@engine-kit/vtn-standard';\n${body}`,
    });
    expect(outcome.output).toBe('');
    expect(outcome.ok).toBe(true);
  });
});
