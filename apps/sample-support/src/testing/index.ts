export { engineCommandFor, engineLog, sourceEngineLaunch } from './engine-command.ts';
export type { EngineCommand, EngineLog, SourceEngineLaunch } from './engine-command.ts';
export { createRng } from './rng.ts';
export type { Rng } from './rng.ts';
export { createScratchDir } from './scratch-dir.ts';
export type { ScratchDir } from './scratch-dir.ts';
