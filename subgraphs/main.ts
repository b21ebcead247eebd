// One process per subgraph: `node --import tsx subgraphs/main.ts <name>`.
import { runSubgraph } from '../kit/runtime';
import { subgraphNamed } from './index';
import { superviseProcess } from '../kit/supervised';

const name = process.argv[2];
if (!name) {
  console.error('usage: subgraphs/main.ts <subgraph name>');
  process.exit(2);
}
const running = await runSubgraph(subgraphNamed(name));
console.log(JSON.stringify({ event: 'listening', subgraph: name, url: running.url }));
superviseProcess(() => running.stop());
