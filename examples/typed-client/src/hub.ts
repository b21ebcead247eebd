// The one way this project calls the hub: POST /graphql with a bearer token, typed by the
// operation's generated document. The hub answers data and errors together — a field the caller
// may not see is null in `data` with an error at its path (withheld), and everything else still
// comes back — so the caller gets both, never an exception for a partial answer.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** An error as the hub reports it: a stable code, and for bad input the field and the rule broken. */
export interface HubError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; rule?: string };
}

export interface HubAnswer<Result> { status: number; data: Result | null; errors: HubError[] }

export interface Caller {
  /** A bearer token (in development: `npm run -s token -- --role procurator --org PROC-320706 --region 320706` in the hub). */
  token: string;
  /** 查看理由: personal data in full needs a stated purpose (X-Access-Reason, percent-encoded UTF-8). */
  reason?: string;
}

export async function request<Result, Variables extends Record<string, unknown>>(
  url: string, document: TypedDocumentNode<Result, Variables>, variables: Variables, caller: Caller,
): Promise<HubAnswer<Result>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    authorization: `Bearer ${caller.token}`,
  };
  if (caller.reason) headers['x-access-reason'] = encodeURIComponent(caller.reason);
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: print(document), variables }) });
  const body = (await response.json()) as { data?: Result | null; errors?: HubError[] };
  return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
}
