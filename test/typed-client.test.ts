import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The worked example of typed client code (examples/typed-client, the README's front-end
// section): GraphQL Code Generator reads the hub's client schema and the project's operations.
// No hub here: what is checked is that the committed generated code is what the generator makes
// from today's schema/api.graphql (drift), that the project typechecks, and that the types are
// real — a field the operation did not select, or a nullable one used as if present, does not compile.

const ROOT = resolve(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'typed-client');
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'typed-client-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** tsc over `files` with the example's options; its output (empty when they compile). */
async function typecheck(files: string[]): Promise<string> {
  const tsconfig = join(scratch, `tsconfig-${files.length}-${Date.now()}.json`);
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(EXAMPLE, 'tsconfig.json'),
    compilerOptions: { typeRoots: [join(ROOT, 'node_modules', '@types')] },
    include: [], files,
  }));
  try {
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { cwd: EXAMPLE });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe('the typed client example', () => {
  it('its generated code is what the generator makes from schema/api.graphql and its operations (regenerate: npm run codegen in the example)', async () => {
    // The example's own command, writing elsewhere.
    const out = join(scratch, 'gql');
    await run(process.execPath, [join(ROOT, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js'), '--config', 'codegen.ts', '--silent'],
      { cwd: EXAMPLE, env: { ...process.env, CODEGEN_OUT: `${out}/` } });
    const committed = readdirSync(join(EXAMPLE, 'src', 'gql')).sort();
    expect(readdirSync(out).sort()).toEqual(committed);
    for (const name of committed) expect(readFileSync(join(EXAMPLE, 'src', 'gql', name), 'utf8'), name).toBe(readFileSync(join(out, name), 'utf8'));
  }, 90_000);

  it('typechecks, with the result typed field by field', async () => {
    expect(await typecheck([join(EXAMPLE, 'src', 'main.ts')])).toBe('');
  }, 60_000);

  it('does not compile a field the operation did not select, nor a withheld value used as present', async () => {
    const misuse = join(scratch, 'misuse.ts');
    writeFileSync(misuse, [
      `import { OverdueTransfers } from ${JSON.stringify(join(EXAMPLE, 'src', 'overdue-transfers'))};`,
      `import { request } from ${JSON.stringify(join(EXAMPLE, 'src', 'hub'))};`,
      `const { data } = await request('http://hub/graphql', OverdueTransfers, { first: 5 }, { token: 't' });`,
      `const node = data!.overdue!.transfersPage!.edges[0].node!;`,
      // Not selected: the phone.
      `export const phone: string = node.case!.party!.phone;`,
      // Selected, but withheld from callers without the right: string | null, not string.
      `export const id: string = node.case!.party!.idNumber;`,
      // Variables are typed too.
      `await request('http://hub/graphql', OverdueTransfers, { first: 'five' }, { token: 't' });`,
    ].join('\n'));
    const output = await typecheck([misuse]);
    expect(output).toMatch(/misuse\.ts\(5,\d+\): error TS2339: Property 'phone' does not exist/);
    expect(output).toMatch(/misuse\.ts\(6,\d+\): error TS2322: Type 'string \| null' is not assignable to type 'string'/);
    expect(output).toMatch(/misuse\.ts\(7,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  }, 60_000);
});
