// The gateway: `node --import tsx gateway/main.ts`, in GATEWAY_WORKERS processes (default 1).
import { gatewayConfig } from './config';
import { startGateway } from './server';
import { runClustered } from './workers';

const config = gatewayConfig();
await runClustered({
  workers: config.workers,
  label: 'gateway',
  url: `http://${config.host}:${config.port}/graphql`,
  start: () => startGateway(config),
});
