import { DOCS_ONLY_CONTRACTS } from '../common/contract-names.ts';
import { toJsonPointer } from '../common/json-pointer.ts';
import { validate } from '../validate.ts';
import { isObjectResultTypeV2, type ObjectResultTypeV2 } from './names.ts';
import { OBJECT_CONTRACT_SCHEMAS_V2 } from './object-result.ts';

/** The `$schema` an upgraded document declares (the latest v2.x, as upstream's examples do). */
export const V2_SCHEMA_URL = 'https://get.aiware.com/schemas/v2/aion/schema.json';

/** One edit `upgradeToV2` made. */
export interface UpgradeChange {
  /** JSON pointer of the value in the upgraded document (of the removed value for `removed`). */
  path: string;
  action: 'added' | 'removed' | 'moved';
  message: string;
}

/** A v2 rule the upgraded document still breaks: what the upgrade could not map. */
export interface UpgradeGap {
  path: string;
  /** The `validate` issue code (`invalid_type` for a missing required field, ...). */
  code: string;
  message: string;
}

export interface UpgradeResult {
  /** The v2 document (a new object; the input is not modified). */
  document: unknown;
  changes: UpgradeChange[];
  /** Empty when the upgraded document is valid VTN v2. */
  unmapped: UpgradeGap[];
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const docsOnly: ReadonlySet<string> = new Set(DOCS_ONLY_CONTRACTS);

const allowedKeys = new Map<ObjectResultTypeV2, ReadonlySet<string>>(
  Object.entries(OBJECT_CONTRACT_SCHEMAS_V2).map(([type, schema]) => [
    type as ObjectResultTypeV2,
    new Set(Object.keys(schema.shape)),
  ]),
);

/** v1 docs-only names have no v2 capability: v2 checks each object by its type instead. */
function upgradeContracts(document: JsonObject, changes: UpgradeChange[]): void {
  const declared = document.validationContracts;
  if (!Array.isArray(declared)) return;
  const kept = declared.filter((name, index) => {
    if (typeof name !== 'string' || !docsOnly.has(name)) return true;
    changes.push({
      path: `/validationContracts/${index}`,
      action: 'removed',
      message: `"${name}" is a v1 docs-only contract name, not a v2 capability; v2 checks every object by the contract of its type instead`,
    });
    return false;
  });
  if (kept.length > 0) document.validationContracts = kept;
  else {
    delete document.validationContracts;
    changes.push({
      path: '/validationContracts',
      action: 'removed',
      message: 'validationContracts is empty without the docs-only names, and v2 requires at least one entry',
    });
  }
}

/** Fits one object to its type's v2 contract; what cannot be derived is left for `unmapped`. */
function upgradeObject(object: JsonObject, path: (string | number)[], changes: UpgradeChange[]): void {
  const type = object.type;
  if (typeof type !== 'string' || !isObjectResultTypeV2(type)) return;
  const at = (key: string) => toJsonPointer([...path, key]);
  if (type === 'licensePlate' && object.licensePlate === undefined) {
    const number = typeof object.text === 'string' ? object.text : object.label;
    if (typeof number === 'string') {
      object.licensePlate = { number };
      changes.push({
        path: at('licensePlate'),
        action: 'added',
        message: `v2 licensePlate objects need licensePlate.number; took it from ${typeof object.text === 'string' ? 'text' : 'label'}`,
      });
    }
  }
  const allowed = allowedKeys.get(type)!;
  const foreign = Object.keys(object).filter((key) => !allowed.has(key));
  if (foreign.length === 0) return;
  const vendor = object.vendor === undefined ? {} : object.vendor;
  if (!isObject(vendor)) return;
  for (const key of foreign) {
    if (Object.hasOwn(vendor, key)) continue;
    vendor[key] = object[key];
    delete object[key];
    changes.push({
      path: toJsonPointer([...path, 'vendor', key]),
      action: 'moved',
      message: `v2 does not allow "${key}" on a ${type} object; moved it into vendor, which every object type keeps`,
    });
  }
  object.vendor = vendor;
}

/**
 * Upgrades a VTN v1 document to v2: declares the v2 `$schema`, drops v1 docs-only contract
 * names, fills `licensePlate.number` of licensePlate objects from their text or label, and moves
 * properties an object's v2 type contract does not allow into its `vendor`. It invents nothing
 * else: every v2 rule the result still breaks (a namedEntity without objectCategory, a text
 * object without text, a face without boundingPoly, ...) is listed in `unmapped`. Never throws.
 */
export function upgradeToV2(input: unknown): UpgradeResult {
  try {
    return upgrade(input);
  } catch (error) {
    // Pathologically deep input can exhaust the stack (structuredClone); report it, as validate does.
    return {
      document: input,
      changes: [],
      unmapped: [
        {
          path: '',
          code: 'upgrade_failed',
          message: `The document could not be upgraded: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
}

function upgrade(input: unknown): UpgradeResult {
  const changes: UpgradeChange[] = [];
  if (!isObject(input)) {
    return {
      document: input,
      changes,
      unmapped: [{ path: '', code: 'invalid_type', message: 'A VTN document is a JSON object' }],
    };
  }
  const document = structuredClone(input);
  if (document.$schema !== V2_SCHEMA_URL) {
    changes.push({
      path: '/$schema',
      action: 'added',
      message: `declares ${V2_SCHEMA_URL}${document.$schema === undefined ? '' : ` (was ${JSON.stringify(document.$schema)})`}`,
    });
  }
  // `$schema` first, as upstream's examples write it.
  const upgraded: JsonObject = { $schema: V2_SCHEMA_URL, ...document };
  upgraded.$schema = V2_SCHEMA_URL;
  upgradeContracts(upgraded, changes);
  if (Array.isArray(upgraded.object)) {
    upgraded.object.forEach((object, index) => {
      if (isObject(object)) upgradeObject(object, ['object', index], changes);
    });
  }
  if (Array.isArray(upgraded.series)) {
    upgraded.series.forEach((item, index) => {
      if (isObject(item) && isObject(item.object))
        upgradeObject(item.object, ['series', index, 'object'], changes);
    });
  }
  const result = validate(upgraded, { version: 'v2' });
  const unmapped = result.success
    ? []
    : result.issues.map(({ path, code, message }) => ({ path, code, message }));
  return { document: upgraded, changes, unmapped };
}
