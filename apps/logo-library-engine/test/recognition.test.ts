import { describe, expect, it } from 'vitest';
import { fingerprintImage } from '../src/fingerprint.ts';
import { decodeImage } from '@engine-kit-apps/sample-support';
import { buildModel, matchFingerprint, type ModelFingerprint } from '../src/model.ts';
import {
  generateLogoLibrary,
  generateNonLibraryImages,
  TRANSFORMS,
  transformImage,
} from '../src/testing/logos.ts';
import { scoreRecognition, type RecognitionTrial } from '../src/testing/scoring.ts';

const SEED = 20_261_122;
const library = generateLogoLibrary({ seed: SEED, entities: 6, imagesPerEntity: 3 });
const model = buildModel(
  'library-1',
  library.flatMap((entity) =>
    entity.images.map(
      (image): ModelFingerprint => ({
        entityId: entity.entityId,
        entityIdentifierId: image.entityIdentifierId,
        ...fingerprintImage(decodeImage(image.bytes)),
      }),
    ),
  ),
);

describe('logo recognition', () => {
  it('recognises at least 90% of resized, re-encoded and noised library images (top-1)', () => {
    const trials: RecognitionTrial[] = [];
    library.forEach((entity, entityIndex) => {
      entity.images.forEach((image, imageIndex) => {
        const source = decodeImage(image.bytes);
        TRANSFORMS.forEach((transform, transformIndex) => {
          const frame = transformImage(
            source,
            transform,
            SEED + entityIndex * 100 + imageIndex * 10 + transformIndex,
          );
          const match = matchFingerprint(model, fingerprintImage(decodeImage(frame.bytes)));
          trials.push({ expectedEntityId: entity.entityId, reportedEntityId: match?.entityId });
        });
      });
    });
    const score = scoreRecognition(trials);
    console.info('logo top-1', score);
    expect(score.libraryFrames).toBe(6 * 3 * TRANSFORMS.length);
    expect(score.top1Accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('reports nothing above the threshold for non-library images, plain or transformed', () => {
    const trials: RecognitionTrial[] = generateNonLibraryImages(SEED, 24).map((image, index) => {
      const frame = transformImage(image, TRANSFORMS[index % TRANSFORMS.length]!, index);
      return {
        expectedEntityId: undefined,
        reportedEntityId: matchFingerprint(model, fingerprintImage(decodeImage(frame.bytes)))?.entityId,
      };
    });
    const score = scoreRecognition(trials);
    console.info('logo non-library', score);
    expect(score).toMatchObject({ nonLibraryFrames: 24, falseReports: 0 });
  });

  it('gives an exact library image full confidence and its own identifier', () => {
    const entity = library[2]!;
    const image = entity.images[1]!;
    const match = matchFingerprint(model, fingerprintImage(decodeImage(image.bytes)));
    expect(match).toMatchObject({
      entityId: entity.entityId,
      entityIdentifierId: image.entityIdentifierId,
      confidence: 1,
    });
  });
});
