// npm start -- prints the caller's overdue transfers. HUB_URL (default the hub started by
// `npm start` in its repository) and HUB_TOKEN (a bearer token) say where and who.
import { overdueTransfers } from './overdue-transfers';

const url = process.env.HUB_URL ?? 'http://localhost:4000/graphql';
const token = process.env.HUB_TOKEN;
if (!token) {
  console.error('HUB_TOKEN is missing: in the hub, npm run -s token -- --role procurator --org PROC-320706 --region 320706');
  process.exit(2);
}
const { lines, errors } = await overdueTransfers(url, { token, reason: process.env.HUB_REASON });
for (const line of lines) console.log(`${line.caseNumber}\t期限 ${line.dueAt}\t${line.party}`);
for (const error of errors) console.error(error);
process.exit(errors.length && !lines.length ? 1 : 0);
