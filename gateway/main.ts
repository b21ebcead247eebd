// The gateway process: `node --import tsx gateway/main.ts`.
import { gatewayConfig } from './config';
import { startGateway } from './server';

const running = await startGateway(gatewayConfig());
console.log(JSON.stringify({ event: 'listening', service: 'gateway', url: `${running.url}/graphql` }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.stop().finally(() => process.exit(0));
  });
}
