// A procurator's first screen: the transfers past their filing deadline (逾期未作立案决定), with
// the case and its party. `graphql(...)` returns a document typed by GraphQL Code Generator from
// this very text (npm run codegen), so the result below is typed field by field.
import { graphql } from './gql';
import { request, type Caller } from './hub';

export const OverdueTransfers = graphql(`
  query OverdueTransfers($first: Int) {
    overdue {
      unit
      transfersPage(first: $first) {
        totalCount
        edges {
          node {
            id
            status
            decisionDueAt
            case {
              id
              caseNumber
              cause
              party { kind name idNumber }
            }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`);

export interface OverdueLine { caseNumber: string; dueAt: string; party: string }

/**
 * One line per overdue transfer. `idNumber` is `string | null` in the generated type: null when
 * the caller may not see it (withheld), and masked text when it may see it masked only.
 */
export async function overdueTransfers(url: string, caller: Caller, first = 20): Promise<{ lines: OverdueLine[]; errors: string[] }> {
  const { data, errors } = await request(url, OverdueTransfers, { first }, caller);
  const edges = data?.overdue?.transfersPage?.edges ?? [];
  const lines = edges.flatMap(({ node }) => (node?.case ? [{
    caseNumber: node.case.caseNumber,
    dueAt: node.decisionDueAt,
    party: `${node.case.party?.name ?? '—'} ${node.case.party?.idNumber ?? '（无权查看）'}`,
  }] : []));
  return { lines, errors: errors.map((e) => `${e.extensions?.code ?? 'ERROR'} ${e.path?.join('.') ?? ''} ${e.message}`.trim()) };
}
