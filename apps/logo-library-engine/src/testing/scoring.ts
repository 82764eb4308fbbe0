export interface RecognitionTrial {
  /** The entity the frame shows, or undefined for a non-library image. */
  expectedEntityId: string | undefined;
  /** The best entity the engine reported, or undefined when it reported none. */
  reportedEntityId: string | undefined;
}

export interface RecognitionScore {
  libraryFrames: number;
  top1Correct: number;
  top1Accuracy: number;
  nonLibraryFrames: number;
  /** Non-library frames for which something was reported anyway. */
  falseReports: number;
}

export function scoreRecognition(trials: readonly RecognitionTrial[]): RecognitionScore {
  const library = trials.filter((trial) => trial.expectedEntityId !== undefined);
  const nonLibrary = trials.filter((trial) => trial.expectedEntityId === undefined);
  const top1Correct = library.filter((trial) => trial.reportedEntityId === trial.expectedEntityId).length;
  return {
    libraryFrames: library.length,
    top1Correct,
    top1Accuracy: library.length === 0 ? 0 : top1Correct / library.length,
    nonLibraryFrames: nonLibrary.length,
    falseReports: nonLibrary.filter((trial) => trial.reportedEntityId !== undefined).length,
  };
}
