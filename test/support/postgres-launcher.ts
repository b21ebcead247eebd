// A launcher that starts the embedded PostgreSQL and is then killed (test/embedded-postgres.test.ts).
import { startEmbeddedPostgres } from '../../scripts/hub/postgres';

const [dir, port] = process.argv.slice(2);
await startEmbeddedPostgres(dir, Number(port), true);
console.log('ready');
setInterval(() => {}, 60_000);
