// Party lookups blinded at the gateway (issue 17; docs/party-references.md, "Lookups").
//
// A procurator or public-security officer asks `partyCases(identifier, kind)` with the ID number
// or credit code they typed. The number must not reach justice (the key holder of party
// references) nor any other owner: this data source, in front of justice only, checks and
// normalises it (GB 11643 / GB 32100, the same rule as before, refused with field and rule before
// anything leaves the gateway), blinds it (RFC 9497 Blind), asks justice to evaluate the blinded
// element with the CALLER's identity (Query.partyRefEvaluation: the step that counts against the
// caller's lookup limit and is audited with the caller), checks the proof against justice's OPRF
// public key PINNED in the key directory (kit/keys.ts; never one justice hands out), unblinds, and
// only then sends the fetch, with the reference in place of the number.
//
// Why the gateway, not the caller's subgraph: `partyCases` is justice's field, planned by the
// gateway straight to justice; the number exists nowhere else on its way. Blinding in the
// procuratorate or public security would need the field owned there (twice, a root field in two
// subgraphs) and an OPRF client in each; the gateway already holds the typed number (it arrives
// with the client's request) and writes the audit log, so blinding here adds no new holder of it.
//
// The client's API is unchanged: same field, arguments, answers and errors (BAD_USER_INPUT with
// field and rule; RATE_LIMITED with period, limit and retryAfterSeconds; one lookup per request).
import { Kind, parse, print, valueFromASTUntyped, visit, type ArgumentNode, type DefinitionNode, type FieldNode, type FragmentDefinitionNode, type GraphQLFormattedError, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { SubgraphDataSource, type GatewayContext } from './data-source';
import { blindInput, finalizeEvaluation, partyInput } from '../kit/crypto/oprf';
import { requirePartyIdentifier, type PartyKind } from '../kit/rules';
import { badInput } from '../kit/errors';
import { readPartyRefKeys } from '../kit/keys';
import type { EnvVar } from '../kit/module';

export const PARTY_LOOKUP_ENV: EnvVar[] = [
  { name: 'HUB_PUBLIC_KEYS_FILE', required: false, description: "the key directory (JWKS of public keys): partyCases lookups check justice's OPRF proofs against the key pinned there; without it a lookup is refused" },
];

/** The subgraph that holds party references and answers lookups. */
export const PARTY_LOOKUP_OWNER = 'justice';
const FIELD = 'partyCases';
/** GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported by @apollo/gateway's index). */
const INCOMING_OPERATION = 'incoming operation';
const EVALUATION = 'query PartyRefEvaluation($blinded: String!) { partyRefEvaluation(blinded: $blinded) { keyId evaluated proof } }';

type Response = Awaited<ReturnType<SubgraphDataSource['process']>>;

/** Justice's pinned OPRF public keys, read again only when justice names a key id not yet known (a rotation). */
class PinnedKeys {
  private keys: ReadonlyMap<string, string> = new Map();
  constructor(private readonly file: string | undefined) {}
  get(keyId: string): string | undefined {
    if (!this.keys.has(keyId) && this.file) this.keys = readPartyRefKeys(this.file);
    return this.keys.get(keyId);
  }
}

const onPath = (alias: string, error: GraphQLFormattedError | { message: string; extensions?: Record<string, unknown> }): GraphQLFormattedError =>
  ({ message: error.message, path: [alias], ...(error.extensions ? { extensions: error.extensions } : {}) });

/** The answer when a lookup cannot be completed on justice's word: nothing is looked up. */
const unverified = (alias: string): GraphQLFormattedError =>
  onPath(alias, { message: "partyCases: justice's evaluation could not be verified against its pinned key; nothing was looked up", extensions: { code: 'INTERNAL_SERVER_ERROR' } });

function included(field: FieldNode, variables: Record<string, unknown>): boolean {
  for (const directive of field.directives ?? []) {
    const condition = directive.arguments?.find((a) => a.name.value === 'if');
    const value = condition ? valueFromASTUntyped(condition.value, variables) : undefined;
    if (directive.name.value === 'skip' && value === true) return false;
    if (directive.name.value === 'include' && value === false) return false;
  }
  return true;
}

const argument = (field: FieldNode, name: string, variables: Record<string, unknown>) => {
  const node = field.arguments?.find((a) => a.name.value === name);
  return node ? valueFromASTUntyped(node.value, variables) : undefined;
};

/** The fragments the operation still spreads, directly or through others (a dropped lookup's may be unused now). */
function usedFragments(operation: OperationDefinitionNode, definitions: readonly DefinitionNode[]): FragmentDefinitionNode[] {
  const all = new Map(definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const used = new Set<string>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) => visit(node, {
    FragmentSpread: (spread) => {
      const name = spread.name.value;
      if (used.has(name) || !all.has(name)) return;
      used.add(name);
      walk(all.get(name)!);
    },
  });
  walk(operation);
  return [...all.values()].filter((f) => used.has(f.name.value));
}

/** The operation without the variables it no longer uses (the number's among them), in it or its fragments. */
function withUsedVariables(operation: OperationDefinitionNode, fragments: readonly DefinitionNode[], variables: Record<string, unknown>) {
  const used = new Set<string>();
  for (const node of [operation.selectionSet, ...fragments]) visit(node, { Variable: (v) => { used.add(v.name.value); } });
  const kept = { ...operation, variableDefinitions: operation.variableDefinitions?.filter((d) => used.has(d.variable.name.value)) };
  return { operation: kept, variables: Object.fromEntries(Object.entries(variables).filter(([name]) => used.has(name))) };
}

/** Justice's data source: lookups blinded before they leave, every other fetch as it is. */
export class PartyLookupBlinding extends SubgraphDataSource {
  private readonly pinned: PinnedKeys;

  constructor(url: string, signingKeyFile: string, timeoutMs: number, keysFile: string | undefined) {
    super(PARTY_LOOKUP_OWNER, url, signingKeyFile, timeoutMs);
    this.pinned = new PinnedKeys(keysFile);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<Response> {
    const query = options.request.query;
    if (options.kind !== INCOMING_OPERATION || !query?.includes(FIELD)) return super.process(options);
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const isLookup = (s: SelectionNode): s is FieldNode => s.kind === Kind.FIELD && s.name.value === FIELD;
    if (!operation || operation.operation !== 'query' || !operation.selectionSet.selections.some(isLookup)) return super.process(options);

    const variables = (options.request.variables ?? {}) as Record<string, unknown>;
    const context = options.context as GatewayContext;
    const errors: GraphQLFormattedError[] = [];
    const answeredNull: string[] = [];
    let chosen: { field: FieldNode; alias: string; kind: PartyKind; normalised: string } | undefined;
    const selections: SelectionNode[] = [];
    for (const selection of operation.selectionSet.selections) {
      if (!isLookup(selection)) { selections.push(selection); continue; }
      // Skipped: not asked, so nothing of it travels.
      if (!included(selection, variables)) continue;
      const alias = selection.alias?.value ?? FIELD;
      const kind = argument(selection, 'kind', variables) as PartyKind;
      try {
        // The same check justice made before (kit/rules.ts): bad input never leaves the gateway.
        const normalised = requirePartyIdentifier('identifier', kind, argument(selection, 'identifier', variables) as string, new Date());
        if (!normalised) throw badInput('identifier', 'required', 'must not be empty');
        if (chosen) {
          // Not an oracle (issue 8): one lookup per request. The others are refused here, with no
          // evaluation, and the refusal is audited like justice's own.
          (context.releases ??= []).push({ coordinate: 'Query.partyCases', entityId: 'rate-limit:request', decision: 'denied' });
          errors.push(onPath(alias, { message: 'partyCases: one lookup per request; nothing was looked up for this one', extensions: { code: 'RATE_LIMITED', period: 'request', limit: 1, retryAfterSeconds: 0 } }));
          answeredNull.push(alias);
          continue;
        }
        chosen = { field: selection, alias, kind, normalised };
      } catch (error) {
        const e = error as { message: string; extensions?: Record<string, unknown> };
        errors.push(onPath(alias, { message: e.message, extensions: e.extensions }));
        answeredNull.push(alias);
      }
    }

    if (chosen) {
      const ref = await this.reference(options, chosen.kind, chosen.normalised, chosen.alias, errors);
      if (ref) {
        const identifier: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'identifier' }, value: { kind: Kind.STRING, value: ref } };
        selections.push({ ...chosen.field, arguments: [...(chosen.field.arguments ?? []).filter((a) => a.name.value !== 'identifier'), identifier] });
      } else {
        answeredNull.push(chosen.alias);
      }
    }

    const nulls = Object.fromEntries(answeredNull.map((alias) => [alias, null]));
    if (!selections.length) return { data: nulls, ...(errors.length ? { errors } : {}) } as Response;
    const kept = { ...operation, selectionSet: { ...operation.selectionSet, selections } };
    const fragments = usedFragments(kept, document.definitions);
    const rewritten = withUsedVariables(kept, fragments, variables);
    const request = { ...options.request, query: print({ ...document, definitions: [rewritten.operation, ...fragments] }), variables: rewritten.variables };
    const response = await super.process({ ...options, request } as GraphQLDataSourceProcessOptions<GatewayContext>);
    const allErrors = [...(response.errors ?? []), ...errors];
    return { ...response, data: { ...(response.data ?? {}), ...nulls }, ...(allErrors.length ? { errors: allErrors } : {}) } as Response;
  }

  /**
   * The party reference of one normalised identifier: blinded here, evaluated by justice for the
   * caller, the proof checked against the pinned key, unblinded. Null (with the reason in
   * `errors`) when justice refuses (the caller's limit, scope, reason) or its answer fails.
   */
  private async reference(options: GraphQLDataSourceProcessOptions<GatewayContext>, kind: PartyKind, normalised: string, alias: string, errors: GraphQLFormattedError[]): Promise<string | null> {
    const blinded = blindInput(partyInput(kind, normalised));
    const request = { query: EVALUATION, operationName: 'PartyRefEvaluation', variables: { blinded: blinded.blinded } };
    const answer = await super.process({ ...options, request } as GraphQLDataSourceProcessOptions<GatewayContext>);
    if (answer.errors?.length) {
      for (const error of answer.errors) errors.push(onPath(alias, error));
      return null;
    }
    const evaluation = (answer.data as { partyRefEvaluation?: { keyId: string; evaluated: string; proof: string } } | null)?.partyRefEvaluation;
    const publicKey = evaluation && this.pinned.get(evaluation.keyId);
    if (!evaluation || !publicKey) {
      errors.push(unverified(alias));
      return null;
    }
    try {
      return finalizeEvaluation(publicKey, [blinded], { keyId: evaluation.keyId, evaluated: [evaluation.evaluated], proof: evaluation.proof })[0];
    } catch {
      errors.push(unverified(alias));
      return null;
    }
  }
}

/** The data source of each subgraph: justice's blinds party lookups. */
export function subgraphDataSource(name: string, url: string, signingKeyFile: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): SubgraphDataSource {
  return name === PARTY_LOOKUP_OWNER ? new PartyLookupBlinding(url, signingKeyFile, timeoutMs, env.HUB_PUBLIC_KEYS_FILE) : new SubgraphDataSource(name, url, signingKeyFile, timeoutMs);
}
