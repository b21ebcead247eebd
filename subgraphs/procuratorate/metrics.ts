// The procuratorate's figures on its /metrics: the alerts it has raised (以罚代刑 and repeat
// offenders, 《行政执法机关移送涉嫌犯罪案件的规定》第十四条 supervision), by kind, from its own table.
import { alertsRaised } from '../../kit/metrics';
import { onScrape } from '../../kit/subgraph-metrics';

onScrape('procuratorate', async (runtime) => {
  const rows: { kind: string; signal: string; raised: number }[] = await runtime.db.query(
    `SELECT kind, signal, count(*)::int AS raised FROM alert GROUP BY kind, signal`);
  alertsRaised.reset();
  for (const row of rows) alertsRaised.set({ owner: runtime.name, kind: row.kind, signal: row.signal }, Number(row.raised));
});
