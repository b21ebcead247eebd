// The layers, as the README describes them: kit/ is the shared library (it imports no gateway,
// subgraph or tool); the gateway runs on the kit and the supergraph alone (no subgraph code);
// subgraphs use the kit and each other's contracts only through the graph and messages; tools
// (scripts/, bench/) may use everything, and nothing at run time imports a tool.
import { readdirSync, readFileSync } from 'node:fs';
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
