// graphql-http's server audit of the GraphQL-over-HTTP spec against the hub's gateway in
// development mode (issue 12): no MUST requirement fails. SHOULD and MAY results are printed.
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';

describe('GraphQL over HTTP: the server audit', () => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startHub(); });
  afterAll(() => hub?.stop());

  it('no MUST fails', async () => {
    const audits = serverAudits({ url: `${hub.gatewayUrl}/graphql` });
    const results = [];
    for (const audit of audits) results.push(await audit.fn());
    const failed = results.filter((r) => r.status !== 'ok');
    for (const r of failed) console.log(`${r.name}: ${r.status}: ${r.reason}`);
    expect(failed.filter((r) => r.name.startsWith('MUST')).map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
  });
});
