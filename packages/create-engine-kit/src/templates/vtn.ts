import type { VtnVersion } from '../options.ts';

/** The `$schema` a VTN 2 (AION 2.0) document names; a VTN 1 document names none. */
export const VTN_V2_SCHEMA_URL = 'https://get.aiware.com/schemas/v2/aion/schema.json';

/** The first lines of a VTN document literal in a template, for the chosen version. */
export function vtnPreamble(vtn: VtnVersion, contract: string, indent: string): string {
  const schema = vtn === 'v2' ? `${indent}$schema: VTN_SCHEMA,\n` : '';
  return `${schema}${indent}validationContracts: ['${contract}'],\n`;
}

/** The constant a v2 template declares for its `$schema`. */
export function vtnSchemaConstant(vtn: VtnVersion): string {
  return vtn === 'v2'
    ? `\n/** VTN standard version 2 (AION 2.0): validators pick the version from this \`$schema\`. */\nexport const VTN_SCHEMA = '${VTN_V2_SCHEMA_URL}';\n`
    : '';
}
