// schema/api.graphql (issue 12): the schema client code is generated from. It is the API the
// gateway serves — the supergraph's API schema, no federation internals — and never stale: after
// `npm run compose`, `npm run api-schema` rewrites it, and this test fails until then.
import { readFileSync } from 'node:fs';
import { buildSchema, extendSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { policySchema } from '../gateway/authorization/api-schema';
import { readSupergraph } from '../gateway/supergraph';
import { API_SCHEMA_PATH, apiSchemaFile } from '../scripts/api-schema';
import { SUBSCRIPTION_SDL } from '../gateway/subscriptions/fields';

const committed = readFileSync(API_SCHEMA_PATH, 'utf8');
const sorted = (sdl: string) => printSchema(lexicographicSortSchema(buildSchema(sdl)));

describe('schema/api.graphql', () => {
  it('is what `npm run api-schema` writes from the committed supergraph (run it after `npm run compose`)', () => {
    expect(committed === apiSchemaFile(readSupergraph()), 'schema/api.graphql is stale: run `npm run api-schema`').toBe(true);
  });

  it('is the schema the gateway validates every operation against, with its own subscriptions', () => {
    // Subscriptions are the gateway's (gateway/subscriptions/): each runs as its query, validated there.
    expect(sorted(committed)).toBe(printSchema(lexicographicSortSchema(extendSchema(policySchema().schema, parse(SUBSCRIPTION_SDL)))));
  });

  it('holds no federation internals a client code generator would trip on', () => {
    expect(committed).not.toMatch(/join__|link__|@link\b|@join|@requiresScopes|@authenticated|@inaccessible|_Entity|_Service|_entities|_service/);
  });

  it('has the queries and mutations of every owner, and the inbox and alerts subscriptions', () => {
    const schema = buildSchema(committed);
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(expect.arrayContaining(['case', 'cases', 'agencies', 'alerts', 'inbox', 'publishedDecisions', 'auditLog']));
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(expect.arrayContaining(['createMarketRegulationCase', 'convertAlert', 'markInboxRead']));
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toEqual(['inboxChanged', 'alertsChanged']);
  });
});
