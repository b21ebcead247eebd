// The gateway: `node --import tsx gateway/main.ts`, in GATEWAY_WORKERS processes (default 1).
import { gatewayConfig } from './config';
import { gatewaySigningKey } from './data-source';
import { startGateway } from './server';
import { runClustered } from './workers';

const config = gatewayConfig();
// A missing or wrong signing key stops the gateway at start, not at its first request.
await gatewaySigningKey(config.signingKeyFile);
await runClustered({
  workers: config.workers,
  label: 'gateway',
  url: `http://${config.host}:${config.port}/graphql`,
  start: () => startGateway(config),
});
