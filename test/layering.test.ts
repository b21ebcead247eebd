// The layers, as the README describes them: kit/ is the shared library (it imports no gateway,
// subgraph or tool); the gateway runs on the kit and the supergraph alone (no subgraph code);
// subgraphs use the kit and each other's contracts only through the graph and messages; tools
// (scripts/, bench/) may use everything, and nothing at run time imports a tool.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const filesOf = (dir: string) => (readdirSync(join(root, dir), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));

/** The top-level folder each relative import of `file` reaches. */
function layersImportedBy(file: string): { spec: string; layer: string }[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => {
    const target = relative(root, resolve(root, dirname(file), m[1]));
    return { spec: m[1], layer: target.split(/[\\/]/)[0] };
  });
}

const RULES: { layer: string; mayNotImport: string[] }[] = [
  { layer: 'kit', mayNotImport: ['gateway', 'subgraphs', 'scripts', 'bench', 'test'] },
  { layer: 'gateway', mayNotImport: ['subgraphs', 'scripts', 'bench', 'test'] },
  { layer: 'subgraphs', mayNotImport: ['gateway', 'scripts', 'bench', 'test'] },
];

describe.each(RULES)('$layer/', ({ layer, mayNotImport }) => {
  const files = filesOf(layer);
  test('has code to check', () => expect(files.length).toBeGreaterThan(3));
  test.each(files)('%s imports no %s', (file) => {
    const wrong = layersImportedBy(file).filter((i) => mayNotImport.includes(i.layer)).map((i) => i.spec);
    expect(wrong, `${file} reaches into another layer`).toEqual([]);
  });
});

// Domain code reads time from the runtime's clock (runtime.now(), kit/clock.ts), so a test that
// moves the clock moves every "now" of a request together. The wall clock is read only where
// elapsed real time is the point; each such file says why here.
const WALL_CLOCK_ALLOWED: Record<string, string> = {
  'kit/clock.ts': 'the clock itself: the wall clock plus the test offset',
  'kit/identity.ts': "the verified-token cache expires with the token's exp, which its signer set in real time",
  'kit/upstream.ts': 'service tokens are renewed by real time: their iat/exp are checked by another process against its wall clock',
  'kit/justice-client.ts': "the justice client's cache keeps an entry for a real-time TTL (elapsed time, not a deadline)",
};

describe('time comes from the clock', () => {
  const files = [...filesOf('kit'), ...filesOf('subgraphs')];
  /** Code lines only: comment lines and trailing line comments are not reads of the clock. */
  const code = (file: string) => readFileSync(join(root, file), 'utf8').split('\n')
    .map((line, i) => ({ line: line.replace(/\/\/.*$/, ''), n: i + 1 }))
    .filter(({ line }) => !/^\s*(\*|\/\*)/.test(line));
  test.each(files.filter((f) => !(f in WALL_CLOCK_ALLOWED)))('%s reads no wall clock', (file) => {
    const reads = code(file).filter(({ line }) => /new Date\(\s*\)|Date\.now\(\s*\)/.test(line)).map(({ line, n }) => `${file}:${n}: ${line.trim()}`);
    expect(reads, 'use runtime.now() (the clock), or add the file to WALL_CLOCK_ALLOWED with the reason').toEqual([]);
  });
  // An entry whose file is gone is harmless and goes with the next edit of this list.
  test.each(Object.keys(WALL_CLOCK_ALLOWED).filter((f) => existsSync(join(root, f))))('%s, allowed the wall clock, still reads it (else the entry goes)', (file) => {
    expect(code(file).some(({ line }) => /new Date\(\s*\)|Date\.now\(\s*\)/.test(line))).toBe(true);
  });
});
