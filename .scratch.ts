import { createAuthorizer } from './gateway/authorization/authorizer';
import { restoreResult } from './gateway/authorization/restore';
const a = createAuthorizer();
const show = (q: string, role: any, vars?: any) => {
  const d = a.decide({ query: q, variables: vars }, { role });
  if (d.kind !== 'execute') { console.log(role, JSON.stringify(d)); return; }
  console.log('---', role, '\n', d.plan.query, '\n', JSON.stringify(d.plan.denied), d.plan.dropVariables, JSON.stringify(d.plan.restore, (k, v) => v instanceof Set ? [...v] : v));
};
show(`query($id: ID!) { case(id: $id) { id party { idNumber } } }`, 'public');
show(`query($id: ID!) { a: case(id: $id) { s: supervision { id n: notes } } }`, 'justice_supervisor');
show(`query($id: ID!) { a: case(id: $id) { ...F } } fragment F on EnforcementCase { id ... on MarketRegulationCase { supervision { notes } } }`, 'justice_supervisor');
show(`query($id: ID!, $v: Boolean!) { case(id: $id) { supervision { notes @include(if: $v) } } }`, 'justice_supervisor');
show(`query($id: ID!) { case(id: $id) { id supervision { id } } }`, 'psb_officer');
show(`{ cases { edges { node { id supervision { notes } } } } }`, 'justice_supervisor');
show(`{ cases { edges { node { id supervision { notes } } } } }`, 'procurator');
show(`mutation { createMarketRegulationCase(input: {caseNumber:"x", actType: OTHER, cause:"c", party:{kind: ORGANIZATION, name:"n"}, region:"320706"}) { id } }`, 'psb_officer');
show(`{ ${Array.from({length: 31}, (_, i) => `a${i}: agencies { code }`).join(' ')} }`, 'public');
show(`{ cases(first: 100) { edges { node { id supervision { id case { id supervision { id case { id } } } } } } } }`, 'procurator');
const r: any = { data: { a: { s: [{ id: '1', __hub_t: 'X' }, { id: '2' }] } } };
const d: any = a.decide({ query: `query($id: ID!) { a: case(id: $id) { s: supervision { id n: notes } } }` }, { role: 'justice_supervisor' });
console.log(JSON.stringify(restoreResult(r, d.plan.restore, d.plan.denied)), JSON.stringify(r));
