/** Stable codes of the errors raised by `--media` processing. */
export type MediaErrorCode =
  /** ffmpeg or ffprobe is not on PATH. */
  | 'ffmpeg_missing'
  /** The file or folder given to `--media` does not exist. */
  | 'media_not_found'
  /** ffprobe/ffmpeg cannot read the media (corrupt or not media at all). */
  | 'invalid_data'
  /** The media breaks a limit of the manifest (maxFileMb, min/maxMediaLengthMs). */
  | 'media_rejected'
  /** The flags and the media do not make a plan (e.g. `--fps` on an audio file). */
  | 'invalid_plan'
  /** ffmpeg stopped with an error while chunking. */
  | 'ffmpeg_failed';

export class MediaError extends Error {
  readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaError';
    this.code = code;
  }
}
