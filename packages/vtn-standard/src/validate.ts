import type * as z from 'zod';
import {
  DOCS_ONLY_CONTRACTS,
  isDeclarableContract,
  isStructuredDataContract,
  REFERENCE_CONTRACTS,
} from './common/contract-names.ts';
import type { VtnDocument } from './contracts/aion.ts';
import {
  carriesStructuredData,
  DOCS_ONLY_CONTRACT_SCHEMAS,
  StructuredDataDocumentSchema,
} from './contracts/docs-only.ts';
import { CONTRACT_SCHEMAS } from './contracts/index.ts';
import { toVtnIssues, type VtnIssue } from './issues.ts';
import type { VtnV2Document } from './v2/document.ts';
import { verdictsV2 } from './v2/validate.ts';
import { checkWithSchema, VALID, type Verdict } from './verdict.ts';
import { resolveVtnVersion, VTN_VERSIONS, type VtnVersion } from './version.ts';

export interface ValidateOptions {
  /**
   * The VTN standard version to validate against. Without it, a document whose `$schema` names a
   * v2 URL (`https://get.aiware.com/schemas/v2/...`, `.../v2.0/...`) is validated as v2 and any
   * other as v1 (see resolveVtnVersion).
   */
  version?: VtnVersion;
  /**
   * Check the document against this one contract only. v1: a reference contract, a docs-only
   * name or a structured-data schema UUID. v2: the master rules plus a capability contract, an
   * object contract by object type (`face`, `licensePlate`, or `object:text` where the type is
   * also a capability name) or a structured-data schema UUID. Without it, the document is checked
   * against the master rules (`aion`) and every contract it lists in `validationContracts`.
   */
  contract?: string;
}

export type VtnValidationResult<Document = VtnDocument> =
  | { success: true; data: Document }
  | { success: false; issues: VtnIssue[] };

/** A structured-data schema UUID as a contract: the document declares it and carries data for it. */
function checkStructuredDataSchema(schemaId: string, document: unknown): Verdict {
  const parsed = StructuredDataDocumentSchema.safeParse(document);
  if (!parsed.success) {
    const issues = toVtnIssues(parsed.error.issues, schemaId);
    return { valid: false, issues: () => issues };
  }
  const issues: VtnIssue[] = [];
  if (!parsed.data.validationContracts.includes(schemaId)) {
    issues.push({
      path: '/validationContracts',
      message: `validationContracts must include "${schemaId}"`,
      code: 'contract_not_declared',
      contract: schemaId,
    });
  }
  if (!carriesStructuredData(parsed.data, schemaId)) {
    issues.push({
      path: '',
      message: `The document declares structured-data schema ${schemaId} but carries no structuredData for it`,
      code: 'missing_structured_data',
      contract: schemaId,
    });
  }
  return issues.length > 0 ? { valid: false, issues: () => issues } : VALID;
}

const schemas: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ...Object.entries(CONTRACT_SCHEMAS),
  ...Object.entries(DOCS_ONLY_CONTRACT_SCHEMAS),
]);

const knownContracts = [...REFERENCE_CONTRACTS, ...DOCS_ONLY_CONTRACTS];

function checkContract(contract: string, document: unknown): Verdict {
  const schema = schemas.get(contract);
  if (schema !== undefined) return checkWithSchema(contract, schema, document);
  if (typeof contract === 'string' && isStructuredDataContract(contract)) {
    return checkStructuredDataSchema(contract, document);
  }
  const issues: VtnIssue[] = [
    {
      path: '',
      message: `Unknown validation contract ${JSON.stringify(contract)}; use one of ${knownContracts.join(', ')} or a structured-data schema UUID`,
      code: 'unknown_contract',
      contract: String(contract),
    },
  ];
  return { valid: false, issues: () => issues };
}

/** The contract names a document declares that have a rule; the master rules report the others. */
function declaredContracts(document: unknown): string[] {
  if (typeof document !== 'object' || document === null) return [];
  const declared = (document as { validationContracts?: unknown }).validationContracts;
  if (!Array.isArray(declared)) return [];
  const names = declared.filter(
    (name): name is string => typeof name === 'string' && isDeclarableContract(name),
  );
  return [...new Set(names)];
}

function withoutDuplicates(issues: VtnIssue[]): VtnIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.code}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A failure whose `issues` are built on first read, then kept. It is a class rather than an object
 * literal with a getter because V8 creates such literals ~20x slower than class instances, which
 * made building the failure cost more than Ajv deciding the verdict. `toJSON` and the inspect hook
 * make it serialise and print like plain data.
 */
class LazyFailure {
  readonly success = false as const;
  readonly #verdicts: Verdict[];
  #issues: VtnIssue[] | undefined;

  constructor(verdicts: Verdict[]) {
    this.#verdicts = verdicts;
  }

  get issues(): VtnIssue[] {
    this.#issues ??= withoutDuplicates(
      this.#verdicts.flatMap((verdict) => (verdict.valid ? [] : verdict.issues())),
    );
    return this.#issues;
  }

  toJSON(): { success: false; issues: VtnIssue[] } {
    return { success: false, issues: this.issues };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): { success: false; issues: VtnIssue[] } {
    return this.toJSON();
  }
}

function failure(verdicts: Verdict[]): VtnValidationResult {
  return new LazyFailure(verdicts);
}

function unknownVersion(version: unknown): VtnValidationResult {
  return {
    success: false,
    issues: [
      {
        path: '',
        message: `Unknown VTN version ${JSON.stringify(version)}; use one of ${VTN_VERSIONS.join(', ')}`,
        code: 'unknown_version',
        contract: '',
      },
    ],
  };
}

function checkDocument(document: unknown, options: ValidateOptions | undefined): VtnValidationResult {
  const requested = options?.version;
  if (requested !== undefined && !(VTN_VERSIONS as readonly unknown[]).includes(requested)) {
    return unknownVersion(requested);
  }
  if (resolveVtnVersion(document, requested) === 'v2') {
    const verdicts = verdictsV2(document, options?.contract);
    if (verdicts.every((verdict) => verdict.valid)) return { success: true, data: document as VtnDocument };
    return failure(verdicts);
  }
  if (options?.contract !== undefined) {
    const verdict = checkContract(options.contract, document);
    return verdict.valid ? { success: true, data: document as VtnDocument } : failure([verdict]);
  }
  const verdicts = [checkContract('aion', document)];
  for (const name of declaredContracts(document)) verdicts.push(checkContract(name, document));
  if (verdicts.every((verdict) => verdict.valid)) return { success: true, data: document as VtnDocument };
  return failure(verdicts);
}

/**
 * Validates engine output against the VTN standard (v1, or v2 when asked for or when the
 * document's `$schema` names v2). Never throws: any value yields a verdict. On success `data` is
 * the validated document itself (not a copy). On failure `issues` are computed when first read,
 * so a caller that only needs the verdict does not pay for them. Pass `version: 'v2'` to get
 * `data` typed as a v2 document; without `version` it is typed as v1 even when `$schema` chose v2.
 */
export function validate(
  document: unknown,
  options: ValidateOptions & { version: 'v2' },
): VtnValidationResult<VtnV2Document>;
export function validate(document: unknown, options?: ValidateOptions): VtnValidationResult;
export function validate(
  document: unknown,
  options?: ValidateOptions,
): VtnValidationResult<VtnDocument | VtnV2Document> {
  try {
    return checkDocument(document, options);
  } catch (error) {
    // Pathologically deep input can exhaust the stack; report it instead of crashing the caller.
    return {
      success: false,
      issues: [
        {
          path: '',
          message: `The document could not be validated: ${error instanceof Error ? error.message : String(error)}`,
          code: 'validation_failed',
          contract: options?.contract ?? 'aion',
        },
      ],
    };
  }
}
