import { describe, expect, it } from 'vitest';
import { validate } from '@engine-kit/vtn-standard';
import { barcodesToVtn } from '../src/vtn.ts';

describe('barcodesToVtn', () => {
  it('reports each code as a barcode object with its text and a ratio polygon', () => {
    const vtn = barcodesToVtn(
      [
        {
          text: 'hello',
          corners: [
            { x: 10, y: 20 },
            { x: 60, y: 20 },
            { x: 60, y: 70 },
            { x: 10, y: 70 },
          ],
        },
      ],
      { width: 100, height: 200 },
    );
    expect(vtn.object).toEqual([
      {
        type: 'barcode',
        label: 'hello',
        text: 'hello',
        boundingPoly: [
          { x: 0.1, y: 0.1 },
          { x: 0.6, y: 0.1 },
          { x: 0.6, y: 0.35 },
          { x: 0.1, y: 0.35 },
        ],
      },
    ]);
  });

  it('clamps corners detected just outside the frame and yields a valid VTN document', () => {
    const vtn = barcodesToVtn(
      [
        {
          text: 'edge',
          corners: [
            { x: -3, y: 150 },
            { x: 40, y: 150 },
            { x: 40, y: 250 },
            { x: -3, y: 250 },
          ],
        },
      ],
      { width: 100, height: 200 },
    );
    expect(vtn.object[0]!.boundingPoly).toEqual([
      { x: 0, y: 0.75 },
      { x: 0.4, y: 0.75 },
      { x: 0.4, y: 1 },
      { x: 0, y: 1 },
    ]);
    expect(validate(vtn)).toMatchObject({ success: true });
  });
});
