// The row rules of public security and the procuratorate, role by role: pure unit tests of the
// resource modules against schema/policy.json (no hub). Each table lists, for every role of the
// policy and three positions of the caller — the record's own unit, another unit of the record's
// region, a unit of another region — whether each action is allowed.
import { describe, expect, it, test } from 'vitest';
import { may, requireMay } from '../kit/access';
import { POLICY } from '../kit/policy';
import { classifiedDecision } from '../kit/personal-data';
import { transferRule, type TransferPlace } from '../subgraphs/public-security/resources/transfer';
import { investigationRule, classifiedRelease, type InvestigationPlace } from '../subgraphs/public-security/resources/investigation';
import { supervisionMatterRule, type SupervisionMatterPlace } from '../subgraphs/procuratorate/resources/supervision-matter';
import { suggestionRule, type SuggestionPlace } from '../subgraphs/procuratorate/resources/suggestion';
import { alertRule, type AlertPlace } from '../subgraphs/procuratorate/resources/alert';
import { caller, POSITIONS, ROLES, rows, type Table } from './support/role-tables';


const TRANSFER: TransferPlace = { agencyCode: 'MR-320706', acceptingUnit: 'PSB-320706', region: '320706' };
const INVESTIGATION: InvestigationPlace = { acceptingUnit: 'PSB-320706', region: '320706' };
const MATTER: SupervisionMatterPlace = { procuratorateCode: 'PROC-320706', region: '320706' };
const SUGGESTION: SuggestionPlace = { agencyCode: 'MR-320706', procuratorateCode: 'PROC-320706', region: '320706' };
const ALERT: AlertPlace = { agencyCode: 'MR-320706', region: '320706' };

describe('every role of the policy is in the tables', () => {
  it('lists the policy\'s roles and the service identity', () => {
    expect([...Object.keys(POLICY.roles), 'service'].sort()).toEqual([...ROLES].sort());
  });
});

describe('transfer (移送): the transferring bureau, the accepting unit; the case\'s region', () => {
  const table: Table = {
    read: { agency_officer: 'TFF', psb_officer: 'TTF', procurator: 'TTF', justice_supervisor: 'TTF', service: 'TTT' },
    submit: { agency_officer: 'TFF' },
    accept: { psb_officer: 'TTF' },
    // Finding 8: only the unit that accepted the transfer decides on it.
    decide: { psb_officer: 'TFF' },
    requestReconsideration: { agency_officer: 'TFF' },
    decideReconsideration: { psb_officer: 'TFF' },
    // 补正 and the extension of the filing period: the accepting unit asks and extends, the transferring bureau completes.
    requestMaterials: { psb_officer: 'TFF' },
    completeMaterials: { agency_officer: 'TFF' },
    extendFilingPeriod: { psb_officer: 'TFF' },
    // 转送 and 退回 by the accepting unit; 重新移送 by the transferring bureau.
    forward: { psb_officer: 'TFF' },
    return: { psb_officer: 'TFF' },
    retransfer: { agency_officer: 'TFF' },
  };
  test.each(rows(transferRule, table))('$role, $position: $action → $allowed', ({ action, role, position, allowed }) => {
    expect(may(caller(role, position), transferRule, action, TRANSFER)).toBe(allowed);
  });

  it('refuses a unit without a unit code to accept, since the accepting unit must be known to decide', () => {
    expect(may({ sub: 'p', role: 'psb_officer', region: '320706' }, transferRule, 'accept', TRANSFER)).toBe(false);
  });

  it('lets only the unit named competent accept a forwarded transfer (转送)', () => {
    const forwarded: TransferPlace = { ...TRANSFER, acceptingUnit: null, competentUnit: 'PSB-320706-2', forwardedFrom: 'PSB-320706' };
    expect(may(caller('psb_officer', 'same region'), transferRule, 'accept', forwarded)).toBe(true);
    expect(may(caller('psb_officer', 'own unit'), transferRule, 'accept', forwarded)).toBe(false);
  });

  it('says why a neighbouring unit may not decide', () => {
    expect(() => requireMay(caller('psb_officer', 'same region'), transferRule, 'decide', TRANSFER)).toThrow(/accepted/);
  });
});

describe('investigation (侦查, classified): the accepting unit; the case\'s region', () => {
  const table: Table = {
    read: { psb_officer: 'TFF', procurator: 'TTF' },
    readInformant: { psb_officer: 'TFF' },
    record: { psb_officer: 'TFF' },
  };
  test.each(rows(investigationRule, table))('$role, $position: $action → $allowed', ({ action, role, position, allowed }) => {
    expect(may(caller(role, position), investigationRule, action, INVESTIGATION)).toBe(allowed);
  });

  // Finding 6: classified values need a stated purpose, even for the accepting unit.
  const releases = ['read', 'readInformant'].flatMap((action) => ROLES.flatMap((role) => POSITIONS.map((position) => ({ action, role, position }))));
  test.each(releases)('$role, $position: $action without a reason → denied; with one → as the rule says', ({ action, role, position }) => {
    expect(classifiedRelease(caller(role, position), action as 'read' | 'readInformant', INVESTIGATION)).toBe('denied');
    const expected = may(caller(role, position), investigationRule, action, INVESTIGATION) ? 'full' : 'denied';
    expect(classifiedRelease(caller(role, position, '侦查协作'), action as 'read' | 'readInformant', INVESTIGATION)).toBe(expected);
  });

  it('decides like the kit\'s classifiedDecision with the rule\'s scope and place', () => {
    const psb = caller('psb_officer', 'own unit', '侦查协作');
    expect(classifiedRelease(psb, 'readInformant', INVESTIGATION))
      .toBe(classifiedDecision(psb, investigationRule.actions.readInformant.scope, investigationRule.place(INVESTIGATION)));
  });

  it('gives nobody the investigation of a transfer no unit has accepted', () => {
    const pending = { acceptingUnit: null, region: '320706' };
    expect(may(caller('psb_officer', 'own unit'), investigationRule, 'read', pending)).toBe(false);
    expect(may(caller('psb_officer', 'own unit'), investigationRule, 'record', pending)).toBe(false);
  });
});

describe('supervision matter (检察监督): the opening procuratorate; the case\'s region', () => {
  const table: Table = {
    read: { procurator: 'TTF', justice_supervisor: 'TTF' },
    open: { procurator: 'TTF' },
    close: { procurator: 'TFF' },
    readNotes: { procurator: 'TFF' },
  };
  test.each(rows(supervisionMatterRule, table))('$role, $position: $action → $allowed', ({ action, role, position, allowed }) => {
    expect(may(caller(role, position), supervisionMatterRule, action, MATTER)).toBe(allowed);
  });
});

describe('procuratorial suggestion (检察建议): the addressed bureau, the issuing procuratorate; the bureau\'s region', () => {
  const table: Table = {
    read: { procurator: 'TTF', justice_supervisor: 'TTF' },
    readAddressed: { agency_officer: 'TFF' },
    issue: { procurator: 'TTF' },
    reply: { agency_officer: 'TFF' },
  };
  test.each(rows(suggestionRule, table))('$role, $position: $action → $allowed', ({ action, role, position, allowed }) => {
    expect(may(caller(role, position), suggestionRule, action, SUGGESTION)).toBe(allowed);
  });

  it('lets the justice bureau read suggestions of its region only, as in every other subgraph', () => {
    expect(may({ sub: 'j', role: 'justice_supervisor', org: 'JUS-411302', region: '411302' }, suggestionRule, 'read', SUGGESTION)).toBe(false);
    expect(may({ sub: 'j', role: 'justice_supervisor', org: 'JUS-320700', region: '320700' }, suggestionRule, 'read', SUGGESTION)).toBe(true);
  });
});

describe('alert (以罚代刑 and repeat offenders): the case\'s bureau; the case\'s region', () => {
  const table: Table = {
    read: { procurator: 'TTF', justice_supervisor: 'TTF' },
    convert: { procurator: 'TTF' },
  };
  test.each(rows(alertRule, table))('$role, $position: $action → $allowed', ({ action, role, position, allowed }) => {
    expect(may(caller(role, position), alertRule, action, ALERT)).toBe(allowed);
  });
});
