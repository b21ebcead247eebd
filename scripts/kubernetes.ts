// Kubernetes manifests for a province's deployment (issue 14, "past one machine"): several gateway
// replicas behind a Service, two replicas of every subgraph, one external PostgreSQL per owner.
//
// Derived from docker-compose.yml, which test/docker-compose.test.ts already holds to the
// variables the code declares: the same services, commands, environment, keys and upstream URLs,
// so a variable or an agency added there reaches the manifests with `npm run kubernetes`, and
// test/kubernetes.test.ts fails while deploy/kubernetes/hub.yaml is stale or off the API schemas.
//
// What compose writes as a required value (`${X:?…}`, e.g. a database password) becomes a key of
// the service's own Secret `<service>-env`; the owners' signing keys and the public key directory
// are mounted from Secrets and a ConfigMap at the paths compose uses. The databases are not here:
// each owner runs its own (or a managed cluster) and puts its URL in its Secret.
//
// Replicas are safe by design of the kit: relays and workers claim rows with FOR UPDATE SKIP LOCKED,
// the audit chain is extended under an advisory lock (kit/outbox.ts, gateway/audit/writer.ts).
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const NAMESPACE = 'supervision-graph';
export const MANIFEST_FILE = 'deploy/kubernetes/hub.yaml';
const GATEWAY = 'gateway';
const GATEWAY_REPLICAS = 3;
const SUBGRAPH_REPLICAS = 2;
/** The image's user (node:20-bookworm-slim's `node`), as in the Dockerfile. */
const IMAGE_UID = 1000;

interface FileMount { source: string; target?: string }
interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  secrets?: (string | FileMount)[];
  configs?: (string | FileMount)[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  ports?: unknown[];
}
interface ComposeFile { services: Record<string, ComposeService> }

type Manifest = Record<string, unknown>;

const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?+])([^}]*))?\}/g;

/** A compose value: its text with defaults applied, or null when it needs a required variable. */
function resolve(raw: string): { value: string } | { required: string[] } {
  const required: string[] = [];
  const value = raw.replace(INTERPOLATION, (match, name?: string, op?: string, arg?: string) => {
    if (match === '$$') return '$';
    if (op === '?') { required.push(name!); return ''; }
    return op === '-' ? arg ?? '' : '';
  });
  return required.length ? { required } : { value };
}

const labels = (component: string) => ({ 'app.kubernetes.io/part-of': NAMESPACE, 'app.kubernetes.io/name': component });
const meta = (name: string, component = name) => ({ name, namespace: NAMESPACE, labels: labels(component) });

/** Services of the compose file that run the hub's code (its databases are the owners' own). */
function hubServices(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services).filter(([, s]) => s.command?.[0] === 'node');
}

function portOf(service: ComposeService): number {
  return Number(service.environment?.PORT);
}

/** Services this one calls: the hosts of the URLs in its environment (http://justice:4001 → justice). */
function callees(service: ComposeService, names: Set<string>): string[] {
  const hosts = Object.values(service.environment ?? {}).flatMap((v) => {
    const m = /^https?:\/\/([a-z0-9-]+):\d+/.exec(String(v ?? ''));
    return m && names.has(m[1]) ? [m[1]] : [];
  });
  return [...new Set(hosts)];
}

function deployment(name: string, service: ComposeService, image: string): Manifest[] {
  const port = portOf(service);
  const secretEnv = `${name}-env`;
  const env: Manifest[] = [];
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(service.environment ?? {})) {
    const resolved = resolve(String(raw ?? ''));
    if ('required' in resolved) {
      env.push({ name: key, valueFrom: { secretKeyRef: { name: secretEnv, key } } });
      secretKeys.push(key);
    } else if (resolved.value !== '') {
      env.push({ name: key, value: resolved.value });
    }
  }
  const volumes: Manifest[] = [{ name: 'tmp', emptyDir: {} }];
  const mounts: Manifest[] = [{ name: 'tmp', mountPath: '/tmp' }];
  // compose secrets land at /run/secrets/<target>; each is a Secret holding one file, `key`.
  for (const s of service.secrets ?? []) {
    const { source, target } = typeof s === 'string' ? { source: s, target: s } : { source: s.source, target: s.target ?? s.source };
    volumes.push({ name: source, secret: { secretName: source, defaultMode: 0o440 } });
    mounts.push({ name: source, mountPath: `/run/secrets/${target}`, subPath: 'key', readOnly: true });
  }
  for (const c of service.configs ?? []) {
    const { source, target } = typeof c === 'string' ? { source: c, target: `/${c}` } : { source: c.source, target: c.target ?? `/${c.source}` };
    volumes.push({ name: source, configMap: { name: source } });
    mounts.push({ name: source, mountPath: target, subPath: 'file', readOnly: true });
  }
  // The gateway's bind mount of the issuer's public key becomes a ConfigMap of the same file.
  for (const v of service.volumes ?? []) {
    if (typeof v === 'string' || v.type !== 'bind') continue;
    volumes.push({ name: 'issuer-public-key', configMap: { name: 'issuer-public-key' } });
    mounts.push({ name: 'issuer-public-key', mountPath: v.target, subPath: 'file', readOnly: true });
  }
  const replicas = name === GATEWAY ? GATEWAY_REPLICAS : SUBGRAPH_REPLICAS;
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...meta(name), annotations: { 'supervision-graph/secret-keys': `${secretEnv}: ${secretKeys.join(', ')}` } },
      spec: {
        replicas,
        selector: { matchLabels: labels(name) },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: labels(name) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: IMAGE_UID, runAsGroup: IMAGE_UID, fsGroup: IMAGE_UID, seccompProfile: { type: 'RuntimeDefault' } },
            // Graceful shutdown drains in-flight requests and workers before SIGKILL.
            terminationGracePeriodSeconds: 30,
            containers: [{
              name,
              image,
              command: service.command,
              ports: [{ name: 'http', containerPort: port }],
              env,
              volumeMounts: mounts,
              // Ready: a subgraph's GET /health (its database answers); the gateway's /health/ready (a
              // supergraph loaded, its database answers — a stopped agency leaves it degraded, not unready).
              readinessProbe: { httpGet: { path: name === GATEWAY ? '/health/ready' : '/health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
              // Alive while it answers at all: a database or subgraph outage must not restart every pod.
              livenessProbe: name === GATEWAY
                ? { httpGet: { path: '/health/live', port: 'http' }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 3 }
                : { tcpSocket: { port: 'http' }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 3 },
              resources: name === GATEWAY
                ? { requests: { cpu: '1', memory: '512Mi' }, limits: { memory: '1Gi' } }
                : { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
            volumes,
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: { selector: labels(name), ports: [{ name: 'http', port, targetPort: 'http' }] },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(name),
      spec: { minAvailable: 1, selector: { matchLabels: labels(name) } },
    },
  ];
}

/**
 * Who may connect to whom: the gateway from anywhere (its ingress), a subgraph only from the
 * gateway and from the services whose environment names it. Everything else is refused.
 */
function networkPolicies(services: [string, ComposeService][]): Manifest[] {
  const names = new Set(services.map(([n]) => n));
  const callers = new Map<string, string[]>();
  for (const [name, s] of services) for (const callee of callees(s, names)) callers.set(callee, [...(callers.get(callee) ?? []), name]);
  return [
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny-ingress', NAMESPACE), spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    ...services.map(([name, s]) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${name}-ingress`, name),
      spec: {
        podSelector: { matchLabels: labels(name) },
        policyTypes: ['Ingress'],
        ingress: [name === GATEWAY
          ? { ports: [{ port: portOf(s) }] }
          : { from: [...new Set([GATEWAY, ...(callers.get(name) ?? [])])].sort().map((caller) => ({ podSelector: { matchLabels: labels(caller) } })), ports: [{ port: portOf(s) }] }],
      },
    })),
  ];
}

/** The manifests, in a stable order, from the compose file's text. */
export function kubernetesManifests(composeText: string): Manifest[] {
  const compose = parse(composeText, { merge: true }) as ComposeFile;
  const services = hubServices(compose);
  const resolvedImage = resolve(String(services[0][1].image));
  if (!('value' in resolvedImage)) throw new Error('the image name must not need a required variable');
  const image = resolvedImage.value;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    ...services.flatMap(([name, s]) => deployment(name, s, image)),
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(GATEWAY),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: GATEWAY },
        minReplicas: GATEWAY_REPLICAS,
        maxReplicas: 12,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    ...networkPolicies(services),
  ];
}

const HEADER = `# GENERATED by \`npm run kubernetes\` from docker-compose.yml — do not edit; edit that file.
# test/kubernetes.test.ts fails when this file is stale or a manifest is off the Kubernetes API schemas.
#
# Before applying, each owner creates in namespace ${NAMESPACE}:
#   Secret <service>-env          the keys listed in its Deployment's supervision-graph/secret-keys
#                                 annotation (its DATABASE_URL, and the gateway's JWT_ISSUER, …)
#   Secret <owner>-signing-key    key \`key\`: the owner's private JWK (npx tsx scripts/keys.ts)
#   ConfigMap hub-public-keys     key \`file\`: public-keys.json, every owner's public key
#   ConfigMap issuer-public-key   key \`file\`: the token issuer's public key (gateway)
# and pushes the image supervision-graph:local under its registry's name (kustomize images:).
`;

export function renderManifests(composeText: string): string {
  // Quoted as YAML 1.1 reads them: kubectl's parser takes a bare off/on/yes/no for a boolean, and an env value must be a string.
  return HEADER + kubernetesManifests(composeText).map((m) => `---\n${stringify(m, { lineWidth: 0, version: '1.1' })}`).join('');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const out = `${root}${MANIFEST_FILE}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderManifests(readFileSync(`${root}docker-compose.yml`, 'utf8')));
  console.log(`wrote ${MANIFEST_FILE}`);
}
