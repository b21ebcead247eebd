// npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 40] [--match text]
// A V8 CPU profile summarised: share of the busy time (idle and program excluded) by function
// (self), by file (self), by package (self), and the inclusive share of every function whose
// name or file contains `--match` (what lies below it counted once per sample); `--match ''`
// matches every function: the top of the inclusive list is then the call tree's trunk.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, match: { type: 'string', multiple: true } } });
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
const top = Number(args.top);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'nm:').replace(/^\/work\/main\//, '').replace(/^.*\/main\//, '');
const pkg = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (!url) return '(native/vm)';
  if (url.startsWith('node:')) return 'node:*';
  return short(url).split('/').slice(0, 2).join('/');
};
const label = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

// Time per sample: the delta to the next sample (V8's own convention).
let busy = 0;
const self = new Map<string, number>();
const files = new Map<string, number>();
const packages = new Map<string, number>();
const inclusive = new Map<string, number>();
const matches = args.match ?? [];
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i])!;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const name = node.callFrame.functionName;
  if (name === '(idle)' || name === '(program)') continue;
  busy += dt;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  files.set(short(node.callFrame.url) || name, (files.get(short(node.callFrame.url) || name) ?? 0) + dt);
  packages.set(name === '(garbage collector)' ? '(gc)' : pkg(node.callFrame.url), (packages.get(name === '(garbage collector)' ? '(gc)' : pkg(node.callFrame.url)) ?? 0) + dt);
  if (matches.length) {
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const l = label(n);
      if (!seen.has(l) && matches.some((m) => l.includes(m))) { seen.add(l); inclusive.set(l, (inclusive.get(l) ?? 0) + dt); }
    }
  }
}
const show = (title: string, map: Map<string, number>, n = top) => {
  console.log(`\n## ${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((100 * v) / busy).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
};
console.log(`busy ${(busy / 1000).toFixed(0)} ms over ${profile.samples.length} samples`);
show('packages (self)', packages, 25);
show('files (self)', files, 30);
show('functions (self)', self);
if (matches.length) show('inclusive', inclusive, 80);
