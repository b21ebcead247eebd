// The gateway process: `node --import tsx gateway/main.ts`.
import { gatewayConfig } from './config';
import { startGateway } from './server';
import { superviseProcess } from '../scripts/hub/supervised';

const running = await startGateway(gatewayConfig());
console.log(JSON.stringify({ event: 'listening', service: 'gateway', url: `${running.url}/graphql` }));
superviseProcess(() => running.stop());
