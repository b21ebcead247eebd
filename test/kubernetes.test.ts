// The Kubernetes manifests (deploy/kubernetes/hub.yaml) checked without a cluster: what
// `npm run kubernetes` makes of docker-compose.yml today, every object valid against the
// Kubernetes API's own schemas, every variable a service declares as required given to it, no
// required value written in the clear, and each subgraph reachable only by those who call it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { MANIFEST_FILE, NAMESPACE, renderManifests } from '../scripts/kubernetes';
import { SUBGRAPHS } from '../subgraphs/index';
import { envOf } from '../kit/module';
import { GATEWAY_ENV } from '../gateway/config';
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const committed = readFileSync(root(MANIFEST_FILE), 'utf8');
const manifests = parseAllDocuments(committed).map((d) => d.toJS() as K8sObject).filter(Boolean);

interface EnvEntry { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
}

const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const deploymentOf = (name: string) => ofKind('Deployment').find((d) => d.metadata.name === name)!;
const envOfDeployment = (name: string): EnvEntry[] => deploymentOf(name).spec.template.spec.containers[0].env;

type Model = new (data: any) => { validate(): void };
const MODELS: Record<string, Record<string, unknown>> = { v1: core, 'apps/v1': apps, 'policy/v1': policy, 'autoscaling/v2': autoscaling, 'networking.k8s.io/v1': networking };

/** The kubernetes-models class (the API's JSON schema) for an object's apiVersion and kind. */
function modelOf(object: K8sObject): Model {
  const model = MODELS[object.apiVersion]?.[object.kind] as Model | undefined;
  if (!model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  return model;
}

describe('the Kubernetes manifests', () => {
  it('are what `npm run kubernetes` makes of docker-compose.yml today', () => {
    expect(committed).toBe(renderManifests(readFileSync(root('docker-compose.yml'), 'utf8')));
  });

  it.each(manifests.map((m) => [`${m.kind} ${m.metadata.name}`, m] as const))('%s is valid against the Kubernetes API schema', (_, object) => {
    const Model = modelOf(object);
    expect(() => new Model(object).validate()).not.toThrow();
  });

  it('find a schema error when there is one (the check is not a formality)', () => {
    const broken = structuredClone(deploymentOf('gateway'));
    broken.spec.replicas = 'three';
    const Model = modelOf(broken);
    expect(() => new Model(broken).validate()).toThrow(/replicas/);
  });

  it('run every subgraph and the gateway, each with a Service, in one namespace, with replicas', () => {
    const names = [...SUBGRAPHS.map((s) => s.name), 'gateway'].sort();
    expect(ofKind('Deployment').map((d) => d.metadata.name).sort()).toEqual(names);
    expect(ofKind('Service').map((d) => d.metadata.name).sort()).toEqual(names);
    expect(manifests.filter((m) => m.kind !== 'Namespace').every((m) => m.metadata.namespace === NAMESPACE)).toBe(true);
    for (const d of ofKind('Deployment')) expect(d.spec.replicas, d.metadata.name).toBeGreaterThanOrEqual(2);
  });

  it.each([...SUBGRAPHS.map((s) => [s.name, envOf(s)] as const), ['gateway', GATEWAY_ENV] as const])('give %s every variable it requires', (name, declared) => {
    const given = new Set(envOfDeployment(name).map((e) => e.name));
    const missing = declared.filter((v) => v.required && !given.has(v.name)).map((v) => v.name);
    expect(missing).toEqual([]);
  });

  it('take database URLs, passwords and party keys from Secrets, never as plain values', () => {
    for (const d of ofKind('Deployment')) {
      for (const e of envOfDeployment(d.metadata.name)) {
        if (/DATABASE_URL|SECRET|PASSWORD/.test(e.name)) {
          expect(e.valueFrom?.secretKeyRef, `${d.metadata.name} ${e.name}`).toEqual({ name: `${d.metadata.name}-env`, key: e.name });
        }
        expect(e.value ?? '', `${d.metadata.name} ${e.name}`).not.toMatch(/postgres(ql)?:\/\//);
      }
    }
  });

  it('let a subgraph be reached only by the gateway and the owners that call or notify it', () => {
    const policies = ofKind('NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'default-deny-ingress')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    for (const subgraph of SUBGRAPHS) {
      const policy = policies.find((p) => p.metadata.name === `${subgraph.name}-ingress`)!;
      const from = policy.spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels['app.kubernetes.io/name']).sort();
      const callers = SUBGRAPHS.filter((s) => [...(s.upstreams ?? []), ...(s.notifies ?? [])].includes(subgraph.name as never)).map((s) => s.name);
      expect(from, subgraph.name).toEqual([...new Set(['gateway', ...callers])].sort());
    }
  });

  it('take a gateway out of service only when it cannot serve, and restart it only when it does not answer', () => {
    const gateway = deploymentOf('gateway').spec.template.spec.containers[0];
    expect(gateway.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(gateway.livenessProbe.httpGet.path).toBe('/health/live');
    for (const subgraph of SUBGRAPHS) {
      const container = deploymentOf(subgraph.name).spec.template.spec.containers[0];
      expect(container.readinessProbe.httpGet.path, subgraph.name).toBe('/health');
      expect(container.livenessProbe.tcpSocket, subgraph.name).toBeDefined();
    }
  });

  it('run as the image\'s unprivileged user with a read-only root file system', () => {
    for (const d of ofKind('Deployment')) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      expect(pod.automountServiceAccountToken).toBe(false);
    }
  });
});
