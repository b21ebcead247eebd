// The database servers' init scripts of docker-compose.yml (deploy/postgres): what each runs with
// psql, and its SQL with psql's variables filled in as psql does (:"x" an identifier, :'x' a
// literal), so a test can run it on a real PostgreSQL without psql.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export interface PsqlInvocation {
  /** psql variable → the environment variable it is set from (`-v db="$POSTGRES_DB"`). */
  variables: Record<string, string>;
  /** The SQL file psql runs (-f), as a path inside the container. */
  file: string;
}

/** What an init script (e.g. deploy/postgres/init-owner-login.sh) hands psql. */
export function psqlInvocation(script: string): PsqlInvocation {
  const text = readFileSync(root(script), 'utf8');
  const variables = Object.fromEntries([...text.matchAll(/-v ([a-z_]+)="\$([A-Z_]+)"/g)].map((m) => [m[1], m[2]]));
  const file = text.match(/-f (\S+)/)?.[1];
  if (!file) throw new Error(`${script} runs no SQL file`);
  return { variables, file };
}

/** The psql variables a SQL file uses. */
export function psqlVariablesOf(sqlFile: string): string[] {
  return [...new Set([...readFileSync(root(sqlFile), 'utf8').matchAll(/:(['"])([a-z_]+)\1/g)].map((m) => m[2]))];
}

/** The SQL of `sqlFile` with its psql variables set to `values`. */
export function psqlScript(sqlFile: string, values: Record<string, string>): string {
  return readFileSync(root(sqlFile), 'utf8').replace(/:(['"])([a-z_]+)\1/g, (_match, quote: string, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${sqlFile} uses :${quote}${name}${quote}, which is not set`);
    return quote === "'" ? pg.escapeLiteral(value) : pg.escapeIdentifier(value);
  });
}
