export { validate, type ValidateOptions, type VtnValidationResult } from './validate.ts';
export { resolveVtnVersion, VTN_VERSIONS, type VtnVersion } from './version.ts';
export type { VtnIssue } from './issues.ts';
export { KNOWN_DIFFERENCES, type KnownDifference } from './known-differences.ts';
export {
  boxToBoundingPoly,
  polygonToBoundingPoly,
  VtnRegionError,
  type VtnRegionErrorCode,
  type ImageSize,
  type PixelBox,
  type PixelPoint,
} from './regions.ts';
export {
  REFERENCE_CONTRACTS,
  DOCS_ONLY_CONTRACTS,
  DECLARABLE_CONTRACTS,
  type ReferenceContract,
  type DocsOnlyContract,
} from './common/contract-names.ts';
export { UUID_PATTERN, DATE_TIME_PATTERN } from './common/patterns.ts';
export { PointSchema, type Point, BoundingPolySchema, type BoundingPoly } from './common/geometry.ts';
export {
  ConfidenceSchema,
  type Confidence,
  TagSchema,
  type Tag,
  VendorSchema,
  type Vendor,
} from './common/primitives.ts';
export {
  SentimentSchema,
  type Sentiment,
  EmotionSchema,
  type Emotion,
  GpsCoordinateSchema,
  type GpsCoordinate,
  FaceLandmarkSchema,
  type FaceLandmark,
  ObjectCategorySchema,
  type ObjectCategory,
  StructuredDataSchema,
  type StructuredData,
  MediaSchema,
  type Media,
} from './common/annotations.ts';
export {
  OBJECT_RESULT_TYPES,
  ObjectResultTypeSchema,
  type ObjectResultType,
  ObjectResultSchema,
  type ObjectResult,
} from './common/object-result.ts';
export { WordSchema, type Word, WordsSchema } from './common/words.ts';
export { SeriesItemSchema, type SeriesItem } from './common/series.ts';
export { ValidationContractNameSchema, ValidationContractsSchema } from './common/preamble.ts';
export { VtnDocumentSchema, type VtnDocument, AionContractSchema } from './contracts/aion.ts';
export { AnomalyContractSchema, type AnomalyContract } from './contracts/anomaly.ts';
export { ConceptContractSchema, type ConceptContract, ConceptObjectSchema } from './contracts/concept.ts';
export { EntityContractSchema, type EntityContract, NamedEntityObjectSchema } from './contracts/entity.ts';
export { KeywordContractSchema, type KeywordContract, KeywordObjectSchema } from './contracts/keyword.ts';
export { LanguageContractSchema, type LanguageContract } from './contracts/language.ts';
export {
  MediaTranslatedContractSchema,
  type MediaTranslatedContract,
  TranslatedMediaSchema,
} from './contracts/media-translated.ts';
export { ObjectContractSchema, type ObjectContract } from './contracts/object.ts';
export { SentimentContractSchema, type SentimentContract } from './contracts/sentiment.ts';
export { SummaryContractSchema, type SummaryContract } from './contracts/summary.ts';
export { TextContractSchema, type TextContract, TextObjectSchema } from './contracts/text.ts';
export { TranscriptContractSchema, type TranscriptContract } from './contracts/transcript.ts';
export {
  FaceContractSchema,
  LogoContractSchema,
  LicensePlateContractSchema,
  SpeakerContractSchema,
  AudioFingerprintContractSchema,
  GeolocationContractSchema,
  StructuredDataContractSchema,
} from './contracts/docs-only.ts';
export { CONTRACT_SCHEMAS } from './contracts/index.ts';
export {
  generateJsonSchemas,
  formatJsonSchema,
  JSON_SCHEMA_BASE_URI,
  DOCUMENT_JSON_SCHEMA_FILE,
  type GeneratedJsonSchema,
} from './json-schema.ts';
export {
  CAPABILITY_CONTRACTS_V2,
  type CapabilityContractV2,
  OBJECT_RESULT_TYPES_V2,
  type ObjectResultTypeV2,
} from './v2/names.ts';
export { WordV2Schema, type WordV2, WordsV2Schema } from './v2/words.ts';
export {
  CommentSchema,
  LicensePlateSchema,
  type LicensePlate,
  MotorVehicleSchema,
  type MotorVehicle,
  VectorSchema,
  OBJECT_CONTRACT_SCHEMAS_V2,
  ObjectResultV2Schema,
  type ObjectResultV2,
} from './v2/object-result.ts';
export { SeriesItemV2Schema, type SeriesItemV2 } from './v2/series.ts';
export {
  VtnV2DocumentSchema,
  type VtnV2Document,
  ValidationContractsV2Schema,
  ProcessedStatsSchema,
  EmbeddingSchema,
} from './v2/document.ts';
export { CAPABILITY_RULES_V2 } from './v2/capabilities.ts';
export { KNOWN_DIFFERENCES_V2, type KnownDifferenceV2 } from './v2/known-differences.ts';
export { JSON_SCHEMA_BASE_URI_V2, DOCUMENT_JSON_SCHEMA_FILE_V2 } from './v2/json-schema.ts';
export {
  upgradeToV2,
  V2_SCHEMA_URL,
  type UpgradeResult,
  type UpgradeChange,
  type UpgradeGap,
} from './v2/upgrade.ts';
