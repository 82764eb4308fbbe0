import { validate } from '@engine-kit/vtn-standard';
import { describe, expect, it } from 'vitest';
import { logoMatchesToVtn } from '../src/vtn.ts';

describe('logoMatchesToVtn', () => {
  it('reports a recognised entity as a valid VTN logo object labelled with its name, with library ids and a rounded confidence', () => {
    const vtn = logoMatchesToVtn('lib-1', [
      {
        entityId: 'e-1',
        entityIdentifierId: 'i-1',
        entityName: 'Acme',
        distance: 0.05,
        confidence: 0.833333,
      },
    ]);
    expect(vtn.object).toEqual([
      {
        type: 'logo',
        label: 'Acme',
        confidence: 0.8333,
        boundingPoly: [
          { x: 0, y: 0 },
          { x: 1, y: 0 },
          { x: 1, y: 1 },
          { x: 0, y: 1 },
        ],
        libraryId: 'lib-1',
        entityId: 'e-1',
        entityIdentifierId: 'i-1',
      },
    ]);
    expect(vtn.validationContracts).toEqual(['logo']);
    expect(validate(vtn)).toMatchObject({ success: true });
  });

  it('is rejected by the declared logo contract when an object is not of type logo', () => {
    const vtn = logoMatchesToVtn('lib-1', [
      { entityId: 'e-1', entityIdentifierId: 'i-1', entityName: 'Acme', distance: 0.05, confidence: 0.8 },
    ]);
    const mistyped = { ...vtn, object: vtn.object.map((object) => ({ ...object, type: 'face' })) };
    expect(validate(mistyped)).toMatchObject({ success: false });
  });

  it('reports an empty object list when nothing was recognised', () => {
    expect(logoMatchesToVtn('lib-1', []).object).toEqual([]);
  });
});
