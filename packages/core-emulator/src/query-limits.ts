import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  GraphQLInt,
  type GraphQLNamedType,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Source,
  TokenKind,
  valueFromAST,
} from 'graphql';

/** Bounds on what one GraphQL request may ask for; each is an option of `startCoreEmulator`. */
export interface QueryLimits {
  /** Deepest field nesting (`{ library { entities { records { id } } } }` is 4). */
  maxDepth: number;
  /** Most objects a request may resolve, estimated before execution (see {@link estimateQuery}). */
  maxCost: number;
  /** Largest `limit` argument of a paged field. */
  maxListLimit: number;
  /** Most lexical tokens in a query document (graphql-js stops parsing there). */
  maxTokens: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxCost: 250_000,
  maxListLimit: 1_000,
  maxTokens: 20_000,
};

export type QueryLimitCode = 'QUERY_TOO_DEEP' | 'QUERY_TOO_COMPLEX' | 'LIMIT_TOO_LARGE' | 'QUERY_TOO_LARGE';

function refusal(code: QueryLimitCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/**
 * The nesting of `{` and `[` in a query, measured with the lexer (which is not recursive) before the
 * recursive parser and validator run: a 5,000-level query would otherwise overflow their stack.
 * Returns the refusal, or undefined when the text is shallow enough to parse.
 */
export function checkQueryText(query: string, limits: QueryLimits): GraphQLError | undefined {
  // Braces of input literals count too, so the lexical bound leaves room above the field depth.
  const maxNesting = 2 * limits.maxDepth + 16;
  const lexer = new Lexer(new Source(query, 'request'));
  let nesting = 0;
  let tokens = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > limits.maxTokens) {
        return refusal(
          'QUERY_TOO_LARGE',
          `The query has more than ${limits.maxTokens} tokens, the emulator's limit.`,
        );
      }
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L) nesting += 1;
      else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R) nesting -= 1;
      if (nesting > maxNesting) {
        return refusal(
          'QUERY_TOO_DEEP',
          `The query nests braces more than ${maxNesting} levels deep; the emulator allows fields ${limits.maxDepth} levels deep (option maxQueryDepth).`,
        );
      }
    }
  } catch (error) {
    // A lexical error: the parser reports it with its location.
    return error instanceof GraphQLError ? undefined : refusal('QUERY_TOO_LARGE', String(error));
  }
  return undefined;
}

/**
 * Upper bound on how many objects of a paged list type the store can return for one field of a
 * parent type, e.g. `EntityList` under `Library` is at most the largest library's entity count.
 */
export type ListBound = (listTypeName: string, parentTypeName: string) => number;

export interface QueryEstimate {
  depth: number;
  cost: number;
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  limits: QueryLimits;
  bound: ListBound;
  depth: number;
}

/**
 * Field depth and estimated cost of the operation a request runs. The cost counts objects: every
 * field with a selection counts once per parent object, and the `records` of a paged list count
 * `min(limit, what the store can hold)` times. It is an upper bound of the objects execution would
 * build, computed from the validated document without executing it. Throws the refusal.
 */
export function estimateQuery(
  document: DocumentNode,
  operationName: string | undefined,
  rootTypes: { query: GraphQLNamedType | null | undefined; mutation: GraphQLNamedType | null | undefined },
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
  bound: ListBound,
): QueryEstimate {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations[0];
  const root = operation?.operation === 'mutation' ? rootTypes.mutation : rootTypes.query;
  if (!operation || !root) return { depth: 0, cost: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk: Walk = { fragments, variables: variables ?? {}, limits, bound, depth: 0 };
  const cost = costOf(operation.selectionSet, root, 1, undefined, walk, new Set());
  if (walk.depth > limits.maxDepth) {
    throw refusal(
      'QUERY_TOO_DEEP',
      `The query nests fields ${walk.depth} levels deep; the emulator allows ${limits.maxDepth} (option maxQueryDepth).`,
    );
  }
  if (cost > limits.maxCost) {
    throw refusal(
      'QUERY_TOO_COMPLEX',
      `The query could resolve about ${Math.round(cost)} objects; the emulator allows ${limits.maxCost} (option maxQueryCost). Ask for smaller pages or fewer nested lists.`,
    );
  }
  return { depth: walk.depth, cost };
}

function costOf(
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  depth: number,
  recordsMultiplier: number | undefined,
  walk: Walk,
  visitingFragments: Set<string>,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      total += fieldCost(selection, parent, depth, recordsMultiplier, walk, visitingFragments);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += costOf(selection.selectionSet, parent, depth, recordsMultiplier, walk, visitingFragments);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      // Validation rejects fragment cycles; the guard keeps this walk finite regardless.
      if (!fragment || visitingFragments.has(name)) continue;
      visitingFragments.add(name);
      total += costOf(fragment.selectionSet, parent, depth, recordsMultiplier, walk, visitingFragments);
      visitingFragments.delete(name);
    }
  }
  return total;
}

function fieldCost(
  field: FieldNode,
  parent: GraphQLNamedType,
  depth: number,
  recordsMultiplier: number | undefined,
  walk: Walk,
  visitingFragments: Set<string>,
): number {
  walk.depth = Math.max(walk.depth, depth);
  if (!field.selectionSet || !(isObjectType(parent) || isInterfaceType(parent))) return 0;
  const definition = parent.getFields()[field.name.value];
  if (!definition) return 0;
  const type = getNamedType(definition.type);
  let childMultiplier: number | undefined;
  if ((isObjectType(type) || isInterfaceType(type)) && type.getFields().records) {
    const limit = limitArgument(field, definition.args, walk);
    childMultiplier = Math.min(limit ?? Number.POSITIVE_INFINITY, walk.bound(type.name, parent.name));
  }
  const inner = costOf(field.selectionSet, type, depth + 1, childMultiplier, walk, visitingFragments);
  const own = 1 + inner;
  return field.name.value === 'records' && recordsMultiplier !== undefined ? own * recordsMultiplier : own;
}

function limitArgument(
  field: FieldNode,
  args: readonly { name: string; defaultValue?: unknown }[],
  walk: Walk,
): number | undefined {
  const definition = args.find((argument) => argument.name === 'limit');
  if (!definition) return undefined;
  const node = field.arguments?.find((argument) => argument.name.value === 'limit');
  const value = node ? valueFromAST(node.value, GraphQLInt, walk.variables) : definition.defaultValue;
  if (typeof value !== 'number') return undefined;
  if (value > walk.limits.maxListLimit) {
    throw refusal(
      'LIMIT_TOO_LARGE',
      `${field.name.value}(limit: ${value}) asks for more than ${walk.limits.maxListLimit} records; page with offset instead (option maxListLimit).`,
    );
  }
  return Math.max(0, value);
}
