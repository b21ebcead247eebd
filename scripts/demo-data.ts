import { readFileSync } from 'node:fs';
import { creditCodeCheckCharacter, residentIdCheckDigit } from '../kit/rules';

/** A valid 18-digit resident ID number (GB 11643) for a region, birth date and sequence. */
export function residentId(region: string, birth: string, sequence: number): string {
  const first17 = `${region}${birth}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckDigit(first17);
}

/** A valid unified social credit code (GB 32100) for a region and organisation code body. */
export function creditCode(region: string, body: string): string {
  const first17 = `91${region}${body.padStart(9, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

export const DEMO_BUREAUS = [
  { code: 'MR-320706', name: '连云港市海州区市场监督管理局', kind: 'MARKET_REGULATION', region: '320706' },
  { code: 'EE-320706', name: '连云港市海州区生态环境局', kind: 'ECO_ENVIRONMENT', region: '320706' },
  { code: 'MR-411302', name: '南阳市宛城区市场监督管理局', kind: 'MARKET_REGULATION', region: '411302' },
  { code: 'EE-370705', name: '潍坊市奎文区生态环境局', kind: 'ECO_ENVIRONMENT', region: '370705' },
];

/** Agencies onboarded with `npm run agency:new`: a bureau and cases each (scripts/demo-agencies.json). */
export interface DemoAgency { agency: string; bureau: { code: string; name: string; region: string }; cases: Record<string, unknown>[] }
export const DEMO_AGENCIES: DemoAgency[] = JSON.parse(readFileSync(new URL('./demo-agencies.json', import.meta.url), 'utf8')).agencies;

export const DEMO_UNITS = {
  psb: { role: 'psb_officer', org: 'PSB-320706', region: '320706' },
  procurator: { role: 'procurator', org: 'PROC-320706', region: '320706' },
  justice: { role: 'justice_supervisor', org: 'JUS-320706', region: '320706' },
  admin: { role: 'platform_admin', org: 'PLATFORM' },
};
