import { runEngine } from '@engine-kit/engine';
import { soundSegmenterEngine } from './engine.ts';

await runEngine(soundSegmenterEngine());
