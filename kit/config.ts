import { z } from 'zod';
import type { EnvVar } from './module';

// Configuration of every service, validated in one place: the gateway (gateway/config.ts) and each
// subgraph (kit/runtime.ts) hand their EnvVar declarations here at start. Every bad variable is
// reported at once, one line each (missing, not a whole number, out of range, bad URL, not one of
// the values), so an
// operator fixes a deployment in one pass instead of one restart per variable.

/** A rule across variables (e.g. one of two must be set): `names` is what the line is about. */
export interface EnvRule {
  names: string;
  check: (env: NodeJS.ProcessEnv) => string | null;
}

export class ConfigError extends Error {
  constructor(readonly service: string, readonly problems: string[]) {
    super(`${service}: bad configuration (${problems.length} variable${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const shown = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);

/** The zod schema of one variable's value (present and non-empty). */
function valueSchema(v: EnvVar): z.ZodType<string> {
  const base = z.string();
  switch (v.kind ?? 'text') {
    case 'integer':
      return base.superRefine((raw, ctx) => {
        const n = Number(raw);
        if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a whole number: ${shown(raw)}` });
        } else if ((v.min !== undefined && n < v.min) || (v.max !== undefined && n > v.max)) {
          const range = v.max === undefined ? `at least ${v.min}` : v.min === undefined ? `at most ${v.max}` : `from ${v.min} to ${v.max}`;
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `out of range (${range}): ${raw}` });
        }
      });
    case 'url': {
      const protocols = v.protocols ?? ['http:', 'https:'];
      return base.superRefine((raw, ctx) => {
        let url: URL | null = null;
        try { url = new URL(raw); } catch { /* reported below */ }
        if (!url || !protocols.includes(url.protocol)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a URL (${protocols.map((p) => p.replace(/:$/, '')).join(' or ')}): ${shown(raw)}` });
        }
      });
    }
    case 'choice': {
      const values = v.values ?? [];
      return base.superRefine((raw, ctx) => {
        if (!values.includes(raw)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not one of ${values.join(', ')}: ${shown(raw)}` });
      });
    }
    default:
      return base;
  }
}

/** The zod schema of a service's environment: one key per declared variable. */
export function envSchema(vars: readonly EnvVar[]) {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const v of vars) {
    // An empty value counts as unset, as a shell's `VAR=` or compose's `${VAR:-}` leaves it.
    const value = z.preprocess((x) => (x === '' ? undefined : x), v.required
      ? z.string({ required_error: `missing (${v.description})` }).pipe(valueSchema(v))
      : valueSchema(v).optional());
    shape[v.name] = value;
  }
  return z.object(shape).passthrough();
}

/**
 * Checks `env` against the declarations and the cross-variable rules. Returns the problems, one
 * line per bad variable (the first thing wrong with it), in declaration order.
 */
export function envProblems(vars: readonly EnvVar[], env: NodeJS.ProcessEnv, rules: readonly EnvRule[] = []): string[] {
  const result = envSchema(vars).safeParse(env);
  const byName = new Map<string, string>();
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0]);
      if (!byName.has(name)) byName.set(name, `${name}: ${issue.message}`);
    }
  }
  const lines = vars.map((v) => byName.get(v.name)).filter((line): line is string => !!line);
  for (const rule of rules) {
    const why = rule.check(env);
    if (why) lines.push(`${rule.names}: ${why}`);
  }
  return lines;
}

/** Validates a service's configuration at start; throws one ConfigError listing every bad variable. */
export function validateEnv(service: string, vars: readonly EnvVar[], env: NodeJS.ProcessEnv, rules: readonly EnvRule[] = []): void {
  const problems = envProblems(vars, env, rules);
  if (problems.length) throw new ConfigError(service, problems);
}
