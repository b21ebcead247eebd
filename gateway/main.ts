// The gateway: `node --import tsx gateway/main.ts`, in GATEWAY_WORKERS processes (default 1).
import { gatewayConfig } from './config';
import { gatewaySigningKey } from './data-source';
import { startGateway } from './server';
import { runClustered } from './workers';
import { startTracing, stopTracing } from '../kit/tracing';

const config = gatewayConfig();
// Traces by OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, in every worker (kit/tracing.ts).
startTracing('gateway');
// A missing or wrong signing key stops the gateway at start, not at its first request.
await gatewaySigningKey(config.signingKeyFile);
await runClustered({
  workers: config.workers,
  label: 'gateway',
  url: `http://${config.host}:${config.port}/graphql`,
  start: async () => {
    const running = await startGateway(config);
    // The last requests' spans are sent before the process exits.
    return { stop: () => running.stop().finally(stopTracing) };
  },
});
