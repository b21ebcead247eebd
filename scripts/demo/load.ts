// Enters the demo plan (plan.ts) through the gateway, as the bureaus, public security, the
// procuratorate and the justice bureau would, day by day over the year the plan spans: the hub's
// clock (clock.ts) starts DEMO_DAYS back and is moved to each day before its work, so every time
// the owners record (submittedAt, decisionDueAt, receivedAt, replyDueAt, …) is the day's, and what
// was left undone past its period is really overdue today. Nothing is written behind the owners'
// backs: outboxes, the case index, alerts, inboxes and the audit log follow as in use.
import { hubClient, type Caller, type HubClient } from '../hub/client';
import { caseWordOf, DEMO_DAYS, demoPlan, VOCABULARY, type DemoCase, type DemoPlan, type PlanOptions } from './plan';
import type { DemoClock } from './clock';
import { runStep, type CaseState } from './steps';
import { ADMIN, must, officerOf } from './units';

const DAY_MS = 24 * 3600_000;

export interface DemoLoad { plan: DemoPlan; caseIds: Map<string, string>; seconds: number }

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

export async function loadDemoYear(gatewayUrl: string, dataDir: string, clock: DemoClock, options: PlanOptions & { width?: number; tickDays?: number; log?: (line: string) => void } = {}): Promise<DemoLoad> {
  const started = Date.now();
  const plan = demoPlan(options);
  const hub = hubClient(gatewayUrl, dataDir);
  const width = options.width ?? 6;
  const log = options.log ?? (() => {});

  // The directory first: bureaus, their officers (执法证) and power lists (权力清单), by the platform.
  await inParallel(plan.bureaus, width, async ({ agency: _agency, ...bureau }) => {
    await must('registerAgency', () => hub.graphql(`mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`, { input: bureau }, ADMIN));
  });
  await inParallel(plan.officers, width, async (input) => {
    await must('registerOfficer', () => hub.graphql(`mutation($input: OfficerInput!) { registerOfficer(input: $input) { id } }`, { input }, ADMIN));
  });
  await inParallel(plan.powerItems, width, async (input) => {
    await must('addPowerItem', () => hub.graphql(`mutation($input: PowerItemInput!) { addPowerItem(input: $input) { code } }`, { input }, ADMIN));
  });

  // The hub's now, kept here between moves of its clock (asking every subgraph before each step
  // would cost more than the steps): the clock runs on with the wall clock between the answers.
  let known = { at: await clock.now(), wall: Date.now() };
  const hubNow = () => new Date(known.at.getTime() + Date.now() - known.wall);
  const start = known.at;
  const states = new Map<string, CaseState>();
  const byKey = new Map(plan.cases.map((c) => [c.key, c]));
  const numbers = new Map<string, number>();
  // Days go in ticks of `tickDays`: what falls in one tick is entered at its end, in each case's order.
  const tickDays = options.tickDays ?? 2;
  const tickOf = (day: number) => Math.min(DEMO_DAYS, Math.ceil(day / tickDays) * tickDays);
  const ticks = [...new Set([...plan.cases.map((c) => tickOf(c.day)), ...plan.actions.map((a) => tickOf(a.day))])].sort((a, b) => a - b);
  for (const tick of ticks) {
    // Never past the wall clock: the last day is today.
    const target = Math.min(start.getTime() + tick * DAY_MS, Date.now() - 1000);
    const behind = target - hubNow().getTime();
    if (behind > 0) known = { at: await clock.advance(behind), wall: Date.now() };
    const recorded = plan.cases.filter((c) => tickOf(c.day) === tick);
    const todays = plan.actions.filter((a) => tickOf(a.day) === tick);
    // Each case's work of the tick in order; different cases side by side. A case recorded in this
    // tick has no step in it (its first comes days later), so recording and steps run together.
    const work = [
      ...recorded.map((c) => async () => { states.set(c.key, { caseId: await createCase(hub, c, hubNow(), numbers) }); }),
      ...[...new Set(todays.map((a) => a.caseKey))].map((key) => async () => {
        for (const action of todays.filter((a) => a.caseKey === key)) await runStep(hub, action.step, byKey.get(key)!, states.get(key)!, hubNow());
      }),
    ];
    await inParallel(work, width, (run) => run());
    if (Math.floor(tick / 30) !== Math.floor((tick - tickDays) / 30)) log(`demo: day ${tick} of ${DEMO_DAYS} (${hubNow().toISOString().slice(0, 10)}), ${states.size} cases`);
  }
  // Today: the hub's clock meets the wall clock.
  const now = await clock.now();
  if (Date.now() - 1000 > now.getTime()) await clock.advance(Date.now() - 1000 - now.getTime());
  const caseIds = new Map([...states].map(([key, s]) => [key, s.caseId]));
  return { plan, caseIds, seconds: Math.round((Date.now() - started) / 1000) };
}

/** 录入: the bureau's officer records the case, decided some days before, its conduct before that. */
async function createCase(hub: HubClient, c: DemoCase, now: Date, numbers: Map<string, number>): Promise<string> {
  const decidedAt = new Date(now.getTime() - c.decidedDaysBefore * DAY_MS);
  decidedAt.setUTCHours(2, 0, 0, 0); // 10:00 China Standard Time
  const conductAt = new Date(decidedAt.getTime() - c.conductDaysBefore * DAY_MS);
  const year = new Date(decidedAt.getTime() + 8 * 3600_000).getUTCFullYear();
  const counter = `${c.bureau.code}/${year}`;
  numbers.set(counter, (numbers.get(counter) ?? 0) + 1);
  const region = VOCABULARY.regions.find((r) => r.code === c.bureau.region)!;
  const caseNumber = `${region.short}${caseWordOf(c.bureau.agency)}〔${year}〕${numbers.get(counter)}号`;
  const conductDate = new Date(conductAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const input = {
    ...c.input, caseNumber, decidedAt: decidedAt.toISOString(), conductAt: conductAt.toISOString(),
    ...Object.fromEntries(c.conductDateFields.map((f) => [f, conductDate])),
  };
  const mutation = `create${c.bureau.agency.caseType}`;
  const create = () => hub.graphql<any>(`mutation($input: ${c.bureau.agency.caseType}Input!) { ${mutation}(input: $input) { id } }`, { input }, officerOf(c.bureau));
  // A create the gateway gave up on (a subgraph slow to answer on a loaded machine) may still have
  // been written: the case is looked up by its number in the index before it is entered again.
  for (let attempt = 1; ; attempt += 1) {
    const { data, errors } = await create();
    if (data?.[mutation]?.id) return data[mutation].id as string;
    const found = await caseByNumber(hub, caseNumber, officerOf(c.bureau));
    if (found) return found;
    if (attempt === 3) throw new Error(`demo: ${mutation} ${caseNumber}: ${errors?.map((e) => e.message).join('; ')}`);
  }
}

async function caseByNumber(hub: HubClient, caseNumber: string, caller: Caller): Promise<string | undefined> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { data } = await hub.graphql<any>(`query($n: String) { cases(filter: { caseNumber: $n }, first: 5) { edges { node { id caseNumber } } } }`, { n: caseNumber }, caller);
    const node = data?.cases?.edges?.find((e: any) => e.node.caseNumber === caseNumber)?.node;
    if (node) return node.id as string;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}
