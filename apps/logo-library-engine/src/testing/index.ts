export { createRng } from '@engine-kit-apps/sample-support/testing';
export type { Rng } from '@engine-kit-apps/sample-support/testing';
export {
  generateLogoLibrary,
  generateNonLibraryImages,
  randomLogoDesign,
  renderLogo,
  transformImage,
  TRANSFORMS,
} from './logos.ts';
export type {
  LibraryEntity,
  LibraryImage,
  LogoDesign,
  LogoLibraryOptions,
  Transform,
  TransformedFrame,
} from './logos.ts';
export { scoreRecognition } from './scoring.ts';
export type { RecognitionScore, RecognitionTrial } from './scoring.ts';
export { decodeImage, encodeJpeg, encodePng } from '@engine-kit-apps/sample-support';
export { fingerprintImage } from '../fingerprint.ts';
export { buildModel, matchFingerprint } from '../model.ts';
export { addLogoEntity, writeLogoLibrarySeed, writeLogoTestFrames } from './demo-files.ts';
export type { LibrarySeedOptions, LogoEntityStore, WrittenLibrary, WrittenTestFrame } from './demo-files.ts';
