export {
  decodeImage,
  detectImageFormat,
  encodeJpeg,
  encodePng,
  ImageDecodeError,
  isSupportedImageMime,
} from './image.ts';
export type { ImageDecodeErrorCode, ImageFormat, RgbaImage } from './image.ts';
export { imageChunkFailure } from './image-failure.ts';
