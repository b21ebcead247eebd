// What every subgraph answer says about caching (kit/runtime.ts answerPlugins): `no-store`, as
// Apollo Server's own cache-control plugin said of answers without cache hints, whether the
// answer holds data, a field's error or a refused document; without that plugin's per-field hook.
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { answerPlugins } from '../kit/runtime';

const typeDefs = parse(`
  type Query { title: String broken: String }
`);
const resolvers = { Query: { title: () => 'title', broken: () => { throw new Error('broken'); } } };
const schema = () => buildSubgraphSchema([{ typeDefs, resolvers }]);
// No release is made here, so the journal never reaches its database.
const noDatabase = {} as DataSource;

async function cacheControlOf(server: ApolloServer<any>, query: string): Promise<string | undefined> {
  const response = await server.executeOperation({ query }, { contextValue: { identity: { sub: 'test', role: 'public' }, releases: [] } });
  return response.http.headers.get('cache-control');
}

describe('a subgraph answer', () => {
  it('says cache-control: no-store, as Apollo Server with its cache-control plugin did', async () => {
    const ours = new ApolloServer<any>({ schema: schema(), plugins: answerPlugins(noDatabase, 'test') });
    const apollos = new ApolloServer<any>({ schema: schema() });
    await Promise.all([ours.start(), apollos.start()]);
    try {
      for (const query of ['{ title }', '{ title broken }', '{ nosuchfield }', '{ title']) {
        expect(await cacheControlOf(apollos, query)).toBe('no-store');
        expect(await cacheControlOf(ours, query)).toBe('no-store');
      }
    } finally {
      await Promise.all([ours.stop(), apollos.stop()]);
    }
  });
});
