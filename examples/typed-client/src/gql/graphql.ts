/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** 当事人类别 */
export type PartyKind =
  | 'NATURAL_PERSON'
  | 'ORGANIZATION';

/** 移送 states, as public security owns them (CaseTransfer.status) */
export type TransferStatus =
  | 'ACCEPTED'
  | 'FILED'
  | 'FORWARDED'
  | 'MATERIALS_REQUESTED'
  | 'NOT_FILED'
  | 'RECONSIDERATION_REQUESTED'
  | 'RECONSIDERATION_UPHELD'
  | 'RETURNED'
  | 'SUBMITTED';

export type OverdueTransfersQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type OverdueTransfersQuery = { overdue: { unit: string, transfersPage: { totalCount: number, edges: Array<{ node: { id: string, status: TransferStatus, decisionDueAt: string, case:
            | { id: string, caseNumber: string, cause: string, party: { kind: PartyKind, name: string, idNumber: string | null } | null }
            | { id: string, caseNumber: string, cause: string, party: { kind: PartyKind, name: string, idNumber: string | null } | null }
            | { id: string, caseNumber: string, cause: string, party: { kind: PartyKind, name: string, idNumber: string | null } | null }
            | { id: string, caseNumber: string, cause: string, party: { kind: PartyKind, name: string, idNumber: string | null } | null }
           | null } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null } | null };


export const OverdueTransfersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OverdueTransfers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"overdue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"transfersPage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"decisionDueAt"}},{"kind":"Field","name":{"kind":"Name","value":"case"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"caseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"cause"}},{"kind":"Field","name":{"kind":"Name","value":"party"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"idNumber"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<OverdueTransfersQuery, OverdueTransfersQueryVariables>;