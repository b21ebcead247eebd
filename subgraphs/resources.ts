import type { ResourceRule } from './kit/access';

/** Every resource's row rule, for docs/permissions.md and the role tables. */
export const RESOURCE_RULES: ResourceRule<any>[] = [];
