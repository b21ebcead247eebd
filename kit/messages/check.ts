import { HttpError } from '../http';

// Runtime checks of the messages owners send each other (outbox deliveries on POST /internal/…).
// A message is declared once, as a shape built from these checks: its TypeScript type is inferred
// from the shape, the sender's enqueue() checks what it writes, and the receiver checks what
// arrives. A bad body is answered 400 naming the field and the rule, like BAD_USER_INPUT for
// clients, and nothing of it is applied. Unknown properties are dropped: older senders' extra
// fields do no harm, and nothing a receiver did not declare reaches its SQL.

/** A body that breaks a message's shape: the field (a path such as `events[2].caseId`) and the rule. */
export class MessageError extends HttpError {
  constructor(readonly field: string, readonly rule: string, detail: string) {
    super(400, `${field}: ${detail}`);
  }
}

/** Checks a value at a path and returns it as the declared type (or throws MessageError). */
export type Check<T> = (value: unknown, path: string) => T;
export type Infer<C> = C extends Check<infer T> ? T : never;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const at = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

export const text = (max = 20_000): Check<string> => (v, path) => {
  if (typeof v !== 'string') throw new MessageError(path, 'text', 'must be a string');
  if (v.length > max) throw new MessageError(path, 'maxLength', `must be at most ${max} characters`);
  return v;
};

export const uuid: Check<string> = (v, path) => {
  if (typeof v !== 'string' || !UUID.test(v)) throw new MessageError(path, 'uuid', 'must be a uuid');
  return v;
};

/** An instant as ISO 8601 text (JSON carries no dates). */
export const instant: Check<string> = (v, path) => {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new MessageError(path, 'instant', 'must be an ISO 8601 date-time');
  return v;
};

/** A six-digit administrative division code (GB/T 2260), as every region column requires. */
export const regionCode: Check<string> = (v, path) => {
  if (typeof v !== 'string' || !/^[0-9]{6}$/.test(v)) throw new MessageError(path, 'regionCode', 'must be a six-digit region code');
  return v;
};

export const integer: Check<number> = (v, path) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new MessageError(path, 'integer', 'must be an integer');
  return v;
};

/** A finite number; numeric text too (PostgreSQL's numeric reaches JSON as text from some paths). */
export const amount: Check<number> = (v, path) => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new MessageError(path, 'number', 'must be a finite number');
  return n;
};

export const bool: Check<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new MessageError(path, 'boolean', 'must be true or false');
  return v;
};

export const oneOf = <const V extends readonly string[]>(values: V): Check<V[number]> => (v, path) => {
  if (typeof v !== 'string' || !values.includes(v)) throw new MessageError(path, 'oneOf', `must be one of ${values.join(', ')}`);
  return v as V[number];
};

/** null allowed (absent counts as null). */
export const nullable = <T>(check: Check<T>): Check<T | null> => (v, path) => (v === null || v === undefined ? null : check(v, path));

/** May be absent (fields that older senders did not write). */
export const optional = <T>(check: Check<T>): Check<T | undefined> => (v, path) => (v === undefined ? undefined : check(v, path));

export const list = <T>(check: Check<T>, max = 10_000): Check<T[]> => (v, path) => {
  if (!Array.isArray(v)) throw new MessageError(path, 'list', 'must be a list');
  if (v.length > max) throw new MessageError(path, 'maxItems', `must have at most ${max} items`);
  return v.map((item, i) => check(item, at(path, i)));
};

/** A map of names (plain identifiers) to values, e.g. an agency's figures. */
export const record = <T>(check: Check<T>): Check<Record<string, T>> => (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MessageError(path, 'object', 'must be an object');
  return Object.fromEntries(Object.entries(v).map(([k, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k)) throw new MessageError(at(path, k), 'name', 'is not a plain name');
    return [k, check(value, at(path, k))];
  }));
};

type Shape = Record<string, Check<unknown>>;
type Optionals<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
export type ObjectOf<S extends Shape> =
  { [K in Exclude<keyof S, Optionals<S>>]: Infer<S[K]> } & { [K in Optionals<S>]?: Infer<S[K]> };

export const object = <S extends Shape>(shape: S): Check<ObjectOf<S>> => (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MessageError(path || 'body', 'object', 'must be an object');
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(shape)) {
    const value = check((v as Record<string, unknown>)[key], at(path, key));
    if (value !== undefined) out[key] = value;
  }
  return out as ObjectOf<S>;
};

/** One kind of message between owners: its name (for errors and docs) and its shape. */
export interface Message<T> {
  name: string;
  check: Check<T>;
}

export function message<S extends Shape>(name: string, shape: S): Message<ObjectOf<S>> {
  return { name, check: object(shape) };
}

export type Payload<M> = M extends Message<infer T> ? T : never;
/** A message as delivered: the sender's outbox id travels with it as its eventId. */
export type Delivered<T> = T & { eventId: string };

/**
 * The events of a delivered body `{ events: [...] }`, each checked against the message; the
 * first bad field answers 400 (`events[3].caseId: must be a uuid`).
 */
export function deliveredEvents<T>(msg: Message<T>, body: unknown, max = 1_000): Delivered<T>[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { events?: unknown }).events)) {
    throw new MessageError('events', 'list', `must be a list of ${msg.name} events`);
  }
  const events = (body as { events: unknown[] }).events;
  if (events.length > max) throw new MessageError('events', 'maxItems', `must have at most ${max} items`);
  return events.map((e, i) => {
    const path = `events[${i}]`;
    const eventId = uuid((e as { eventId?: unknown } | null)?.eventId, `${path}.eventId`).toLowerCase();
    return { ...msg.check(e, path), eventId };
  });
}

/** Checks payloads before a sender writes them (a bad message fails the sender's transaction, not the relay). */
export function checkPayloads<T>(msg: Message<T>, payloads: readonly T[]): T[] {
  return payloads.map((p, i) => msg.check(p, `${msg.name}[${i}]`));
}
