import { runEngine } from '@engine-kit/engine';
import { logoLibraryEngine } from './engine.ts';

await runEngine(logoLibraryEngine());
