// Nothing released without its record (GB/T 22239-2019 8.1.4.3: audit records protected against
// loss; 个人信息保护法 第五十一条: measures that make personal-information handling traceable): a
// response that releases personal or classified data, in full or masked, or reports a denial,
// leaves the gateway only after its audit entries are committed.
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import {
  getNamedType, isAbstractType, isObjectType, isInterfaceType, Kind,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLSchema, type SelectionSetNode,
} from 'graphql';
import type { Identity } from '../../kit/identity';
import { auditEntries, auditRequest, type AuditedRequest, type DeniedField, type ReleaseReport } from './index';
import { AuditUnavailableError, type AuditWriter } from './writer';

export const AUDIT_UNAVAILABLE = 'AUDIT_UNAVAILABLE';

/** What the plugin reads from (and notes in) a request's context. */
export interface DurableAuditContext extends BaseContext {
  identity: Identity;
  releases?: ReleaseReport[];
  denied?: DeniedField[];
  /** Who asked, from where, with which operation: the rest of each entry. */
  auditRequest?: () => Omit<AuditedRequest, 'releases' | 'denied'>;
  /** Keys (auditKey) committed before the response left, or withdrawn with the fields they record. */
  audited?: Set<string>;
  /**
   * How far into each list (the request's releases, its denied fields) the durable commit went;
   * made with the context, like `audited`, so the handler reads back what the plugin noted.
   */
  committedThrough?: Map<readonly unknown[], number>;
}

/**
 * Holds each response in `willSendResponse` (Apollo awaits it before the body is sent; by then
 * every subgraph has reported its releases) until the request's entries are committed with those
 * of concurrent requests (AuditWriter.commit: group commit). If that does not happen within
 * `timeoutMs`, the personal and classified fields of the response are withheld (null, with an
 * AUDIT_UNAVAILABLE error at each path) and their entries withdrawn; everything else answers.
 * Denials carry no data: the answer goes out and their entries stay queued, retried until written.
 */
export function durableAudit<C extends DurableAuditContext>(writer: Pick<AuditWriter, 'commit'>, timeoutMs: number): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(requestContext) {
          const context = requestContext.contextValue;
          const about = context.auditRequest?.() ?? { identity: context.identity };
          // Keys already in `audited` are recorded otherwise (a request refused by the audit rate:
          // gateway/audit/rate.ts); the keys of the entries made here join them as they are made.
          const audited = (context.audited ??= new Set());
          const entries = auditEntries({ ...about, releases: context.releases, denied: context.denied }, audited, audited);
          if (context.releases) context.committedThrough?.set(context.releases, context.releases.length);
          if (context.denied) context.committedThrough?.set(context.denied, context.denied.length);
          if (!entries.length) return;
          try {
            await writer.commit(entries, timeoutMs, (entry) => entry.decision !== 'denied');
          } catch (error) {
            if (!(error instanceof AuditUnavailableError)) throw error;
            const released = new Set(entries.filter((e) => e.decision !== 'denied').map((e) => e.coordinate));
            if (released.size) withholdReleased(requestContext, released);
          }
        },
      };
    },
  };
}

/**
 * Queues what a request released or was refused that its durable commit did not hold: refusals
 * before Apollo ran (no commit at all), objects withheld while the response was restored (denied
 * after the commit). The part of each list the commit went through is skipped without making its
 * keys again: every one of them is in `audited` already, so auditEntries would find each done (a
 * 50-case page's hundred releases were keyed a second time on every request to find nothing left).
 * Returns the number of entries queued.
 */
export function auditAfterCommit(writer: Pick<AuditWriter, 'record'>, context: DurableAuditContext, denied: readonly DeniedField[]): number {
  const releases = notCommitted(context, context.releases ?? []);
  const deniedAfter = notCommitted(context, denied);
  if (!releases.length && !deniedAfter.length) return 0;
  const about = context.auditRequest?.() ?? { identity: context.identity };
  return auditRequest(writer, { ...about, releases, denied: deniedAfter }, context.audited);
}

function notCommitted<T>(context: DurableAuditContext, list: readonly T[]): readonly T[] {
  const from = context.committedThrough?.get(list) ?? 0;
  return from ? list.slice(from) : list;
}

function withholdReleased(requestContext: GraphQLRequestContextWillSendResponse<BaseContext>, released: ReadonlySet<string>): void {
  const { response, document, schema, operation } = requestContext;
  if (response.body.kind !== 'single') return;
  const result = response.body.singleResult;
  const root = operation && schema.getRootType(operation.operation);
  const paths = document && operation && root && result.data ? withhold(result.data, operation.selectionSet, root, schema, document, released) : [];
  if (!paths.length) {
    // Released fields that cannot be found in the answer: nothing personal may leave at all.
    if (result.data) result.data = null;
    paths.push([]);
  }
  result.errors = [
    ...(result.errors ?? []),
    ...paths.map((path) => ({
      message: 'The audit log could not be written, so this field is withheld; try again later',
      ...(path.length ? { path } : {}),
      extensions: { code: AUDIT_UNAVAILABLE },
    })),
  ];
}

/**
 * Sets to null every field of `data` whose schema coordinate (Type.field, any possible type of
 * an abstract parent) is in `released`, and returns their paths. Protected fields are nullable
 * (kit/sdl-checks.ts), so null is a valid answer for each.
 */
export function withhold(
  data: Record<string, unknown>, selectionSet: SelectionSetNode, rootType: GraphQLCompositeType, schema: GraphQLSchema,
  document: DocumentNode, released: ReadonlySet<string>,
): (string | number)[][] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const paths: (string | number)[][] = [];
  const seen = new Set<string>();

  const coordinatesOf = (parent: GraphQLCompositeType, field: string): string[] => {
    const types = isAbstractType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
    return types.map((t) => `${t.name}.${field}`);
  };

  const visitValue = (value: unknown, set: SelectionSetNode, type: GraphQLCompositeType, path: (string | number)[]): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => visitValue(item, set, type, [...path, i]));
      return;
    }
    visitObject(value as Record<string, unknown>, set, type, path);
  };

  const visitObject = (object: Record<string, unknown>, set: SelectionSetNode, type: GraphQLCompositeType, path: (string | number)[]): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        const narrowed = condition && (isObjectType(condition) || isInterfaceType(condition) || isAbstractType(condition)) ? condition : type;
        visitObject(object, fragment.selectionSet, narrowed as GraphQLCompositeType, path);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const key = selection.alias?.value ?? name;
      if (!(key in object)) continue;
      const here = [...path, key];
      if (coordinatesOf(type, name).some((c) => released.has(c))) {
        object[key] = null;
        const id = JSON.stringify(here);
        if (!seen.has(id)) {
          seen.add(id);
          paths.push(here);
        }
        continue;
      }
      if (!selection.selectionSet) continue;
      const field = (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[name] : undefined;
      const child = field && getNamedType(field.type);
      if (child && (isObjectType(child) || isInterfaceType(child) || isAbstractType(child))) visitValue(object[key], selection.selectionSet, child as GraphQLCompositeType, here);
    }
  };

  visitObject(data, selectionSet, rootType, []);
  return paths;
}
