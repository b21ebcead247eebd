// npm run audit:verify: recomputes the audit log's hash chain and names the first row that breaks it.
// Reads DATABASE_URL, or else the embedded default's audit database (npm start: PostgreSQL on
// 127.0.0.1:${PG_PORT:-54329}, database `audit`). Exit 0: intact; 1: broken; 2: could not check.
import { verifyAuditChain } from '../gateway/audit/verify';

const url = process.env.DATABASE_URL || `postgres://postgres:postgres@127.0.0.1:${process.env.PG_PORT ?? 54329}/audit`;

/** The URL without its password, for messages. */
function shown(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

try {
  const report = await verifyAuditChain(url);
  if (report.ok) {
    console.log(`audit log intact: ${report.checked} entries verified, chain unbroken (${shown(url)})`);
    process.exit(0);
  }
  const { sequence, reason } = report.firstBad!;
  console.error(`AUDIT LOG BROKEN at row sequence ${sequence}: ${reason}`);
  console.error(`${report.checked - 1} entries before it verified (${shown(url)})`);
  process.exit(1);
} catch (error) {
  console.error(`audit log could not be verified (${shown(url)}): ${(error as Error).message}`);
  process.exit(2);
}
