import { isStructuredDataContract } from '../common/contract-names.ts';
import type { VtnIssue } from '../issues.ts';
import { checkWithSchema, invalid, VALID, type Verdict } from '../verdict.ts';
import {
  CAPABILITY_RULES_V2,
  objectContractRuleV2,
  StructuredDataCapabilityV2Schema,
} from './capabilities.ts';
import { VtnV2DocumentSchema } from './document.ts';
import { CONTRACT_NAMES_V2, isCapabilityContractV2, resolveContractV2 } from './names.ts';

/** Contract name under which the v2 master rules report (as `aion` does in v1). */
export const MASTER_CONTRACT_V2 = 'aion';

const checkMaster = (document: unknown) =>
  checkWithSchema(MASTER_CONTRACT_V2, VtnV2DocumentSchema, document, 'v2/aion');

function declaredNames(document: unknown): string[] {
  if (typeof document !== 'object' || document === null) return [];
  const declared = (document as { validationContracts?: unknown }).validationContracts;
  if (!Array.isArray(declared)) return [];
  return [...new Set(declared.filter((name): name is string => typeof name === 'string'))];
}

function checkDeclared(name: string, document: unknown): Verdict {
  if (declaredNames(document).includes(name)) return VALID;
  return invalid([
    {
      path: '/validationContracts',
      message: `validationContracts must include "${name}"`,
      code: 'contract_not_declared',
      contract: name,
    },
  ]);
}

function unknownContract(contract: string): Verdict {
  const issue: VtnIssue = {
    path: '',
    message: `Unknown v2 contract ${JSON.stringify(contract)}; use one of ${CONTRACT_NAMES_V2.join(', ')} or a structured-data schema UUID`,
    code: 'unknown_contract',
    contract: String(contract),
  };
  return invalid([issue]);
}

/**
 * The v2 verdicts of a document: the master rules (every object checked by the contract of its
 * type), then either the one `contract` asked for or every capability the document declares
 * (also for `contract: 'aion'`, which in v2 names the whole document).
 * A capability or structured-data contract asked for by name must also be declared, as in v1;
 * an object contract (`face`, `object:text`, ...) is not declarable in v2 and needs no declaration.
 */
export function verdictsV2(document: unknown, contract: string | undefined): Verdict[] {
  const verdicts = [checkMaster(document)];
  // `aion` names the whole document in v2 (upstream's aion/schema.json holds the capability rules).
  if (contract !== undefined && contract !== MASTER_CONTRACT_V2) {
    const selection = resolveContractV2(String(contract));
    switch (selection.kind) {
      case 'capability':
        verdicts.push(
          checkWithSchema(
            selection.name,
            CAPABILITY_RULES_V2[selection.name],
            document,
            `v2/${selection.name}`,
          ),
          checkDeclared(selection.name, document),
        );
        break;
      case 'object':
        verdicts.push(
          checkWithSchema(
            contract,
            objectContractRuleV2(selection.type),
            document,
            `v2/object:${selection.type}`,
          ),
        );
        break;
      case 'structured-data':
        verdicts.push(
          checkWithSchema(contract, StructuredDataCapabilityV2Schema, document, 'v2/structured-data'),
          checkDeclared(selection.schemaId, document),
        );
        break;
      default:
        verdicts.push(unknownContract(String(contract)));
    }
    return verdicts;
  }
  const declared = declaredNames(document);
  for (const name of declared) {
    if (isCapabilityContractV2(name)) {
      verdicts.push(checkWithSchema(name, CAPABILITY_RULES_V2[name], document, `v2/${name}`));
    }
  }
  const schemaId = declared.find(isStructuredDataContract);
  if (schemaId !== undefined) {
    verdicts.push(
      checkWithSchema(schemaId, StructuredDataCapabilityV2Schema, document, 'v2/structured-data'),
    );
  }
  return verdicts;
}
