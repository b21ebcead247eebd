// One access model: who may see or do what is decided by the SDL's directives, schema/policy.json
// and the row-rule modules — never by a role named in a resolver. This reads the code as text so
// a second copy of a rule cannot creep back in.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ROLES } from '../kit/identity';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = ['kit', 'gateway', 'subgraphs'].flatMap((dir) => (readdirSync(join(root, dir), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)))
  // The list of roles itself; migrations carry data written before a rule changed.
  .filter((f) => f !== join('kit', 'identity.ts') && !f.includes(`${join('', 'migrations', '')}`));

const named = ROLES.filter((role) => role !== 'public');
const ROLE_LITERAL = new RegExp(`['"\`](${named.join('|')})['"\`]`);

describe('no role name decides access outside the policy', () => {
  test.each(sources)('%s', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text, `${relative(root, join(root, file))} names a role: decide by scope, reach and row rule instead`).not.toMatch(ROLE_LITERAL);
  });

  test('the check reads the code it guards (the gateway and every owner)', () => {
    for (const owner of ['gateway', 'justice', 'public-security', 'procuratorate', 'agencies', 'audit', 'kit']) {
      expect(sources.some((f) => f.split(/[\\/]/).includes(owner)), owner).toBe(true);
    }
  });
});
