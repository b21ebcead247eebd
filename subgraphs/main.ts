// One process per subgraph: `node --import tsx subgraphs/main.ts <name>`.
import { runSubgraph } from '../kit/runtime';
import { subgraphNamed } from './index';
import { superviseProcess } from '../kit/supervised';
import { log, nameService } from '../kit/log';

const name = process.argv[2];
if (!name) {
  log.error('usage: subgraphs/main.ts <subgraph name>');
  process.exit(2);
}
nameService(name);
const running = await runSubgraph(subgraphNamed(name));
log.info('listening', { event: 'listening', subgraph: name, url: running.url });
superviseProcess(() => running.stop());
