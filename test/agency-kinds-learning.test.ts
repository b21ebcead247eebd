// Learning an agency kind at run time (issue 9), without a hub: the procuratorate screens a case by
// its agency's kind (schema/offence-map.json agencyKinds), so a mapping limited to a kind it has not
// learnt never applies; once the entry justice keeps is learnt (subgraphs/agencies/learning.ts, the
// follower justice and the procuratorate share), it does. The hub-level proof, with the external
// example agency, is test/agency-external.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SubgraphRuntime } from '../kit/module';
import { followAgencyKinds, type AgencyEntry } from '../subgraphs/agencies/learning';
import { AGENCY_KIND_BY_CASE_TYPE } from '../subgraphs/agencies/registry';
import { candidateOffences, loadOffenceMapFiles, OFFENCE_MAP, parseOffenceMap } from '../subgraphs/procuratorate/screening';
import { fileURLToPath } from 'node:url';

const example = parseOffenceMap(JSON.parse(readFileSync(new URL('../examples/agency-culture-tourism/offence-map.example.json', import.meta.url), 'utf8')));
const entry: AgencyEntry = { name: 'culture-tourism', label: '文化和旅游局', bureauPrefix: 'CT', figures: ['ticketRevenue', 'audience'], attributes: ['venueName'] };
const performance = { caseType: 'CultureTourismCase', cause: '未经批准举办营业性演出', offenceCode: null, at: new Date('2026-10-12T02:00:00Z') };
const runtime = { name: 'procuratorate' } as SubgraphRuntime;

describe('the procuratorate learns an agency kind announced to justice', () => {
  it('screens the kind\'s case for a rule limited to that kind only once the kind is learnt, asking only for a case type it does not know', async () => {
    let asked = 0;
    const follower = followAgencyKinds('test', async () => { asked += 1; return [entry]; });
    expect(candidateOffences(performance, example)).toEqual([]);

    await follower.knowCaseTypes(runtime, ['MarketRegulationCase']);
    expect(asked).toBe(0);
    await follower.knowCaseTypes(runtime, ['MarketRegulationCase', 'CultureTourismCase']);
    expect(asked).toBe(1);
    expect(AGENCY_KIND_BY_CASE_TYPE.get('CultureTourismCase')?.kind).toBe('CULTURE_TOURISM');
    expect(candidateOffences(performance, example)).toEqual(['CL225']);

    await follower.knowCaseTypes(runtime, ['CultureTourismCase']);
    expect(asked).toBe(1);
  });

  it('several cases of an unknown kind at once share one ask; a bad entry is refused, named', async () => {
    let asked = 0;
    const follower = followAgencyKinds('test', async () => { asked += 1; return [{ ...entry, name: 'heritage-tourism', bureauPrefix: 'HT' }]; });
    await Promise.all([1, 2, 3].map(() => follower.knowCaseTypes(runtime, ['HeritageTourismCase'])));
    expect(asked).toBe(1);
    const bad = followAgencyKinds('test', async () => [{ ...entry, name: 'Bad Name' }]);
    await expect(bad.refresh(runtime)).rejects.toThrow(/agency Bad Name: name must be kebab-case/);
  });
});

describe("a deployment's own offence mappings (OFFENCE_MAP_FILES)", () => {
  const file = fileURLToPath(new URL('../examples/agency-culture-tourism/offence-map.example.json', import.meta.url));
  it('join the hub\'s at start; the same id twice stops the start, file and mapping named', async () => {
    const before = OFFENCE_MAP.length;
    await loadOffenceMapFiles({ ...runtime, env: { OFFENCE_MAP_FILES: file } } as SubgraphRuntime);
    expect(OFFENCE_MAP.length).toBe(before + 1);
    expect(OFFENCE_MAP.at(-1)?.agencyKinds).toEqual(['CULTURE_TOURISM']);
    await expect(loadOffenceMapFiles({ ...runtime, env: { OFFENCE_MAP_FILES: file } } as SubgraphRuntime))
      .rejects.toThrow(/example-culture-tourism-unlicensed-performance.*id.*used by another mapping/);
  });
});
