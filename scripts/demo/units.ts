// Who enters the demo: the platform (the directory), each bureau's officer and the units of each region.
import type { Caller } from '../hub/client';

export const ADMIN: Caller = { role: 'platform_admin', org: 'PLATFORM' };
export const unitsOf = (region: string) => ({
  psb: { role: 'psb_officer', org: `PSB-${region}`, region } as Caller,
  procurator: { role: 'procurator', org: `PROC-${region}`, region } as Caller,
  justice: { role: 'justice_supervisor', org: `JUS-${region}`, region } as Caller,
});
export const officerOf = (bureau: { code: string; region: string }): Caller => ({ role: 'agency_officer', org: bureau.code, region: bureau.region });

/** Fails with the step named; a step waiting on another owner's message (the index, an alert) retries. */
export async function must<T = any>(label: string, call: () => Promise<{ data?: any; errors?: { message: string }[] }>, waitMs = 20_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { data, errors } = await call();
    if (!errors?.length) return data as T;
    if (Date.now() > deadline) throw new Error(`demo: ${label}: ${errors.map((e) => e.message).join('; ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

