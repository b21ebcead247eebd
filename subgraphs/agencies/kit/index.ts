// The agency kit's public API (package @supervision-graph/agency-kit): what an agency's own
// repository needs, and nothing else — its definition (own fields, migrations, and, outside the
// hub's repository, its registry entry), the field types, its migrations' types, and the way to
// run it. Everything else under this folder is the kit's own and may change; this file is the
// stable surface (examples/agency-culture-tourism/ uses only it).
export { defineAgency, type AgencyDefinition } from './define';
export type { OwnField, OwnFieldType, EnumValue, CategoryFigures } from './fields';
export { runAgency } from './run';
export type { MigrationInterface, QueryRunner } from 'typeorm';
