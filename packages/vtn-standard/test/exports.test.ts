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
      'CONTRACT_SCHEMAS',
      'ConceptContractSchema',
      'ConceptObjectSchema',
      'ConfidenceSchema',
      'DATE_TIME_PATTERN',
      'DECLARABLE_CONTRACTS',
      'DOCS_ONLY_CONTRACTS',
      'DOCUMENT_JSON_SCHEMA_FILE',
      'EmotionSchema',
      'EntityContractSchema',
      'FaceContractSchema',
      'FaceLandmarkSchema',
      'GeolocationContractSchema',
      'GpsCoordinateSchema',
      'JSON_SCHEMA_BASE_URI',
      'KNOWN_DIFFERENCES',
      'KeywordContractSchema',
      'KeywordObjectSchema',
      'LanguageContractSchema',
      'LicensePlateContractSchema',
      'LogoContractSchema',
      'MediaSchema',
      'MediaTranslatedContractSchema',
      'NamedEntityObjectSchema',
      'OBJECT_RESULT_TYPES',
      'ObjectCategorySchema',
      'ObjectContractSchema',
      'ObjectResultSchema',
      'ObjectResultTypeSchema',
      'PointSchema',
      'REFERENCE_CONTRACTS',
      'SentimentContractSchema',
      'SentimentSchema',
      'SeriesItemSchema',
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
      'ValidationContractNameSchema',
      'ValidationContractsSchema',
      'VendorSchema',
      'VtnDocumentSchema',
      'VtnRegionError',
      'WordSchema',
      'WordsSchema',
      'boxToBoundingPoly',
      'formatJsonSchema',
      'generateJsonSchemas',
      'polygonToBoundingPoly',
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
`;
    const names =
      'validate, boxToBoundingPoly, WordSchema, ObjectResultSchema, type VtnValidationResult, type VtnDocument, type SeriesItem, type VtnIssue, type BoundingPoly, type Word, type ObjectResult';
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
