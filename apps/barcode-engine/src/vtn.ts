import { type BoundingPoly, polygonToBoundingPoly } from '@engine-kit/vtn-standard';
import type { QrDetection } from './qr-scan.ts';

// Type aliases, not interfaces: an object type alias is assignable to the engine's VTN document type,
// whose objects carry an index signature.
export type BarcodeObject = {
  type: 'barcode';
  label: string;
  text: string;
  boundingPoly: BoundingPoly;
};

export type BarcodeVtn = {
  schemaId: string;
  object: BarcodeObject[];
};

const VTN_SCHEMA_ID = 'https://docs.veritone.com/schemas/vtn-standard/master.json';

/**
 * Builds the VTN document for one frame; corners become 0..1 ratios (clamped, since detected
 * corners may fall just outside the frame). No validation contract is declared: the reference
 * `object` contract only admits `type: "object"`, and there is no barcode contract.
 */
export function barcodesToVtn(
  detections: readonly QrDetection[],
  size: { width: number; height: number },
): BarcodeVtn {
  return {
    schemaId: VTN_SCHEMA_ID,
    object: detections.map((detection) => ({
      type: 'barcode',
      label: detection.text,
      text: detection.text,
      boundingPoly: polygonToBoundingPoly(detection.corners, size),
    })),
  };
}
