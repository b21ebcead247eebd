// The one configuration validator (kit/config.ts), without a hub: every bad variable at once, one
// line each, for the gateway's declarations and a subgraph's alike.
import { describe, expect, it } from 'vitest';
import { ConfigError, envProblems, validateEnv } from '../kit/config';
import { COMMON_SUBGRAPH_ENV, type EnvVar } from '../kit/module';
import { GATEWAY_ENV, gatewayConfig } from '../gateway/config';

const VARS: EnvVar[] = [
  { name: 'DATABASE_URL', required: true, description: 'the database', kind: 'url', protocols: ['postgres:', 'postgresql:'] },
  { name: 'JUSTICE_URL', required: true, description: 'justice', kind: 'url' },
  { name: 'PORT', required: false, description: 'port', kind: 'integer', min: 0, max: 65535 },
  { name: 'POLL_MS', required: false, description: 'poll', kind: 'integer', min: 1 },
  { name: 'SECRET', required: true, description: 'a secret' },
  { name: 'LEVEL', required: false, description: 'level', kind: 'choice', values: ['info', 'debug'] },
];
const GOOD = { DATABASE_URL: 'postgres://u@db/x', JUSTICE_URL: 'http://justice:4001', PORT: '4002', POLL_MS: '500', SECRET: 's' };

describe('configuration validator', () => {
  it('accepts a good environment, and unset or empty optional variables', () => {
    expect(envProblems(VARS, GOOD)).toEqual([]);
    expect(envProblems(VARS, { ...GOOD, PORT: undefined, POLL_MS: '' })).toEqual([]);
  });

  it('reports every bad variable at once, one line each, in declaration order', () => {
    const problems = envProblems(VARS, { DATABASE_URL: 'mysql://db/x', JUSTICE_URL: 'justice', PORT: '70000', POLL_MS: 'soon', SECRET: '' });
    expect(problems).toEqual([
      'DATABASE_URL: not a URL (postgres or postgresql): "mysql://db/x"',
      'JUSTICE_URL: not a URL (http or https): "justice"',
      'PORT: out of range (from 0 to 65535): 70000',
      'POLL_MS: not a whole number: "soon"',
      'SECRET: missing (a secret)',
    ]);
    expect(envProblems(VARS, { ...GOOD, POLL_MS: '0' })).toEqual(['POLL_MS: out of range (at least 1): 0']);
    expect(envProblems(VARS, { ...GOOD, PORT: '1.5' })).toEqual(['PORT: not a whole number: "1.5"']);
    expect(envProblems(VARS, { ...GOOD, LEVEL: 'INFO' })).toEqual(['LEVEL: not one of info, debug: "INFO"']);
  });

  it('throws one error naming the service with a line per variable, and adds rules across variables', () => {
    const rule = { names: 'A or B', check: (env: NodeJS.ProcessEnv) => (env.A || env.B ? null : 'missing') };
    try {
      validateEnv('justice', VARS, { ...GOOD, SECRET: undefined, PORT: 'x' }, [rule]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual(['PORT: not a whole number: "x"', 'SECRET: missing (a secret)', 'A or B: missing']);
      expect((error as Error).message.split('\n')).toHaveLength(4);
      expect((error as Error).message).toMatch(/^justice: bad configuration \(3 variables\)/);
    }
  });

  it('checks the subgraphs\' common declarations and the gateway\'s through the same validator', () => {
    expect(envProblems(COMMON_SUBGRAPH_ENV, {}).map((l) => l.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'HUB_PUBLIC_KEYS_FILE', 'OWNER_SIGNING_KEY_FILE']);
    const required = GATEWAY_ENV.filter((v) => v.required).map((v) => v.name);
    try {
      gatewayConfig({ GATEWAY_WORKERS: 'many', LOG_LEVEL: 'verbose', EXPLORER_ENABLED: 'yes' });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      for (const name of required) expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${name}: missing`)));
      expect(problems).toContain('GATEWAY_WORKERS: not a whole number: "many"');
      // A misspelt level or switch is refused, not read as the default.
      expect(problems).toContain('LOG_LEVEL: not one of fatal, error, warn, info, debug, trace, silent: "verbose"');
      expect(problems).toContain('EXPLORER_ENABLED: not one of true, false: "yes"');
      expect(problems).toContain('JWT_PUBLIC_KEY_FILE or JWKS_URL: missing (one of them names the issuer key)');
    }
  });
});
