import { runEngine } from '@engine-kit/engine';
import { barcodeEngine } from './engine.ts';

await runEngine(barcodeEngine());
