// The role tables of the row rules (test.each over every role and three positions of the caller
// against a record of bureau MR-320706 / unit PSB-320706 / PROC-320706 in region 320706: its own
// unit, another unit of the same region, a unit of another region, 411302).
import type { ResourceRule } from '../../kit/access';
import type { Identity, Role } from '../../kit/identity';

export const ROLES: Role[] = ['public', 'agency_officer', 'psb_officer', 'procurator', 'justice_supervisor', 'auditor', 'platform_admin', 'service'];
export type Position = 'own unit' | 'same region' | 'other region';
export const POSITIONS: Position[] = ['own unit', 'same region', 'other region'];

/** The unit a role holds in the sample records (320706): the bureau, the accepting unit, the procuratorate. */
const UNIT: Record<Role, string> = {
  public: '', agency_officer: 'MR-320706', psb_officer: 'PSB-320706', procurator: 'PROC-320706', justice_supervisor: 'JUS-320706',
  auditor: 'AUDIT-320706', platform_admin: 'PLATFORM', service: '',
};

export function caller(role: Role, position: Position, reason?: string): Identity {
  if (role === 'public') return { sub: 'anonymous', role, reason };
  if (role === 'service') return { sub: 'service:test', role, reason };
  const unit = UNIT[role];
  if (position === 'own unit') return { sub: `${role}-1`, role, org: unit, region: '320706', reason };
  if (position === 'same region') return { sub: `${role}-2`, role, org: `${unit}-2`, region: '320706', reason };
  return { sub: `${role}-3`, role, org: unit.replace('320706', '411302'), region: '411302', reason };
}

/** Allowed per position (own unit / same region / other region), e.g. 'TTF'; a role left out: 'FFF'. */
export type Table = Record<string, Partial<Record<Role, string>>>;

/** One row per action, role and position; a table that misses an action of the rule is an error. */
export function rows<R>(rule: ResourceRule<R>, table: Table) {
  return Object.keys(rule.actions).flatMap((action) => {
    if (!(action in table)) throw new Error(`${rule.resource}: the table lacks the action ${action}`);
    return ROLES.flatMap((role) => POSITIONS.map((position, i) => ({ action, role, position, allowed: (table[action][role] ?? 'FFF')[i] === 'T' })));
  });
}
