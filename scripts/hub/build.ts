import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

// The hub's services as plain JavaScript, for a run that boots many hubs (the test suite).
// Started through tsx, every service process spends most of its start in the loader hooks that
// compile and resolve each of thousands of modules (4–5 s of CPU per process, nine processes per
// hub, a hub per test file). A bundle of the project's own code, with packages left to Node,
// starts the same code without them. The services are the same: same entry points, same
// environment, same databases; only the loading differs.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Entry points by name, as the harness starts them (scripts/hub/processes.ts). */
export const SERVICE_ENTRIES = { 'subgraphs/main.ts': 'subgraph', 'gateway/main.ts': 'gateway' } as const;

/** A folder made by buildServices: the bundle to run for an entry point, if it has one. */
export function bundleFor(buildDir: string, entry: string): string | undefined {
  const name = SERVICE_ENTRIES[entry as keyof typeof SERVICE_ENTRIES];
  return name ? join(buildDir, `${name}.mjs`) : undefined;
}

/**
 * Files keep reading what lies beside their source (schema/*.json, the console's pages) by
 * `new URL(…, import.meta.url)`: each source file's `import.meta.url` becomes its own path.
 */
const keepSourceLocation: Plugin = {
  name: 'keep-source-location',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      return { contents: source.replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/**
 * Bundles the services into a folder of their own under node_modules/.cache (packages resolve from
 * there as from the sources). Each call gets its own folder: runs at the same time never share one.
 */
export async function buildServices(): Promise<string> {
  const parent = join(ROOT, 'node_modules', '.cache', 'hub-services');
  mkdirSync(parent, { recursive: true });
  const outdir = mkdtempSync(join(parent, 'build-'));
  await build({
    entryPoints: Object.fromEntries(Object.entries(SERVICE_ENTRIES).map(([entry, name]) => [name, join(ROOT, entry)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [keepSourceLocation],
    logLevel: 'error',
  });
  return outdir;
}
