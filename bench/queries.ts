// The fixed query mix: the unified case query (procurator, with a reason), a 50-case page (an
// officer of a bureau), and the public view (published decisions when the supergraph has them,
// else the directory of agencies). Every target gets the same requests.
import { buildASTSchema, getNamedType, isLeafType, isNonNullType, isObjectType, isInterfaceType, parse, type GraphQLField, type GraphQLNamedType } from 'graphql';
import { mintDevToken } from '../gateway/dev-issuer';
import { readSupergraph } from '../gateway/supergraph';
import { OFFICER, PROCURATOR, REASON } from './dataset';

export interface QuerySpec {
  name: string;
  caller: string;
  query: string;
  /** Static variables; `idsFile` draws `id` at random from a list per request instead. */
  variables?: Record<string, unknown>;
  idsFile?: string;
  headers: Record<string, string>;
}

export const CASE_QUERY = `query UnifiedCase($id: ID!) { case(id: $id) { id caseNumber region agency { name }
  party { name idNumber } transfer { status } supervision { status } } }`;

export const pageQuery = (first: number) => `query CasePage { cases(filter: { agencyCode: "${OFFICER.org}" }, first: ${first}) {
  edges { node { id caseNumber agency { name } party { name idNumber } transfer { status } } } } }`;

const AGENCIES_QUERY = 'query PublicView { agencies { name officers { name certificateNumber } powerItems { name } } }';

const GUARDED = new Set(['requiresScopes', 'authenticated', 'policy']);
const guarded = (node: { astNode?: { directives?: readonly { name: { value: string } }[] } | null } | GraphQLNamedType) =>
  !!node.astNode?.directives?.some((d) => GUARDED.has(d.name.value));

/** The public list of published decisions, if the supergraph has it: its unguarded leaf fields. */
export function publicQuery(supergraphSdl = readSupergraph()): { name: string; query: string } {
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const field = schema.getQueryType()?.getFields().publishedDecisions as GraphQLField<unknown, unknown> | undefined;
  if (!field || guarded(field)) return { name: 'agencies', query: AGENCIES_QUERY };
  let type = getNamedType(field.type);
  let wrap = (inner: string) => inner;
  const edge = isObjectType(type) && type.getFields().edges ? getNamedType(type.getFields().edges.type) : undefined;
  if (edge && isObjectType(edge) && edge.getFields().node) {
    type = getNamedType(edge.getFields().node.type);
    wrap = (inner) => `edges { node { ${inner} } }`;
  }
  if (!(isObjectType(type) || isInterfaceType(type)) || guarded(type)) return { name: 'agencies', query: AGENCIES_QUERY };
  const leaves = Object.values(type.getFields()).filter((f) => isLeafType(getNamedType(f.type)) && !guarded(f) && !f.args.some((a) => isNonNullType(a.type)));
  const agency = type.getFields().agency && !guarded(type.getFields().agency) ? ' agency { name }' : '';
  const args = field.args.some((a) => a.name === 'first') ? '(first: 20)' : '';
  return { name: 'publishedDecisions', query: `query PublicView { publishedDecisions${args} { ${wrap(`${leaves.map((f) => f.name).join(' ')}${agency}`)} } }` };
}

/** The three requests of the mix, with tokens from the hub's dev issuer. */
export async function queryMix(dataDir: string, idsFile: string): Promise<QuerySpec[]> {
  const bearer = async (caller: typeof PROCURATOR | typeof OFFICER) => `Bearer ${await mintDevToken(dataDir, caller, '8h')}`;
  const json = { 'content-type': 'application/json' };
  const view = publicQuery();
  return [
    { name: 'case', caller: 'procurator (X-Access-Reason)', query: CASE_QUERY, idsFile,
      headers: { ...json, authorization: await bearer(PROCURATOR), 'x-access-reason': REASON } },
    { name: 'page50', caller: 'agency_officer (X-Access-Reason)', query: pageQuery(50),
      headers: { ...json, authorization: await bearer(OFFICER), 'x-access-reason': REASON } },
    { name: view.name, caller: 'public', query: view.query, headers: json },
  ];
}
