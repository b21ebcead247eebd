// The audit rate's variables (gateway/audit/rate.ts), apart so the writer's declarations can list
// them without importing the plugin.
import type { EnvVar } from '../../kit/module';

export const AUDIT_RATE_ENV: EnvVar[] = [
  { name: 'AUDIT_RATE_LIMIT', required: false, description: 'requests that write audit entries (releases or denials) one caller (token subject, or client address without a token) may make per window in each gateway process; past it HTTP 429 RATE_LIMITED (default 600)', kind: 'integer', min: 1, max: 10_000_000 },
  { name: 'AUDIT_RATE_WINDOW_SECONDS', required: false, description: 'the window of AUDIT_RATE_LIMIT in seconds (default 60)', kind: 'integer', min: 1, max: 86_400 },
];
