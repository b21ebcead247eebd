// npm run token -- --role <role> [--org <unit code>] [--region <6-digit region code>] [--sub <subject>]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mintDevToken } from '../gateway/dev-issuer';
import { ROLES } from '../kit/identity';
import { isRegionCode } from '../kit/rules';

const { values } = parseArgs({ options: { role: { type: 'string' }, org: { type: 'string' }, region: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' } } });
if (!values.role || !(ROLES as readonly string[]).includes(values.role)) {
  console.error(`usage: npm run token -- --role <${ROLES.join('|')}> [--org <unit code>] [--region <6-digit region code>]`);
  process.exit(2);
}
if (values.region && !isRegionCode(values.region)) {
  console.error('--region must be a 6-digit administrative division code');
  process.exit(2);
}
const dataDir = resolve(process.env.HUB_DATA_DIR ?? '.data');
console.log(await mintDevToken(dataDir, { role: values.role, org: values.org, region: values.region, sub: values.sub }, values.ttl ?? '8h'));
