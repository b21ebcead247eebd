import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

// The language of a client's error messages (issue 12). The stable parts of an error never change
// with it: `extensions.code`, `extensions.rule` (a broken input rule), `extensions.limit` (a refused
// operation) and `extensions.field` are what a program reads. Only `message`, for people, does.
//
// The choice: Chinese when the request's Accept-Language ranks a Chinese tag (zh, zh-CN, zh-Hans…)
// above English, English otherwise (no header, `en`, `*`). A browser set to Chinese sends
// `zh-CN,zh;q=0.9` on every fetch, so a console in a Chinese browser answers in Chinese without
// asking; scripts and the test suite, which send no header, keep the English text they match.
// In Chinese the English text stays in `extensions.messageEn` (a log, a support ticket).
//
// The texts are data, schema/messages.json, keyed by rule, limit and code; every rule and code the
// source can raise must have one (test/errors-unit.test.ts scans for them).

export type Language = 'zh' | 'en';

interface Text { zh: string; en: string }
export interface Messages { rules: Record<string, Text>; limits: Record<string, Text>; codes: Record<string, Text> }

export const MESSAGES: Messages = JSON.parse(readFileSync(new URL('../schema/messages.json', import.meta.url), 'utf8'));

/** The longest Accept-Language read: a header is a preference list, not a payload. */
const MAX_ACCEPT_LANGUAGE = 500;

/**
 * The language of the answer (RFC 9110 §12.5.4): the tag of the highest weight among Chinese and
 * English; a tie goes to the one listed first. Tags of other languages and `*` choose nothing.
 */
export function preferredLanguage(header: string | string[] | undefined): Language {
  const text = (Array.isArray(header) ? header.join(',') : header ?? '').slice(0, MAX_ACCEPT_LANGUAGE);
  let best: { language: Language; q: number } | null = null;
  for (const part of text.split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const language: Language | null = /^zh(?:-|$)/.test(tag) ? 'zh' : /^en(?:-|$)/.test(tag) ? 'en' : null;
    if (!language) continue;
    const weight = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((q) => q !== undefined);
    const q = weight === undefined ? 1 : Number(weight);
    if (q > 0 && (!best || q > best.q)) best = { language, q };
  }
  return best?.language ?? 'en';
}

type Extensions = Record<string, unknown>;
interface ClientError { message: string; extensions?: Extensions; [key: string]: unknown }

/** `{max}`, `{found}`… filled from the error's extensions; an absent one leaves the text without it. */
function fill(text: string, extensions: Extensions): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (extensions[name] === undefined ? '' : String(extensions[name])))
    .replace(/（实际 ）/g, '').replace(/^ +/, '');
}

/** The Chinese text of one error: by its rule, else its limit, else its code; undefined when none is known. */
export function chineseMessage(extensions: Extensions): string | undefined {
  const rule = typeof extensions.rule === 'string' ? MESSAGES.rules[extensions.rule] : undefined;
  const limit = typeof extensions.limit === 'string' ? MESSAGES.limits[extensions.limit] : undefined;
  const code = typeof extensions.code === 'string' ? MESSAGES.codes[extensions.code] : undefined;
  const text = rule ?? limit ?? code;
  if (!text) return undefined;
  const field = typeof extensions.field === 'string' && extensions.field ? `${extensions.field}：` : '';
  return field + fill(text.zh, extensions);
}

/**
 * One error in the language asked for. English is the text as raised; Chinese replaces `message`
 * (and each of `extensions.violations`, every broken rule of an input) and keeps the English in
 * `messageEn`. An error of no known rule, limit or code is left as it is.
 */
export function localizeError<E extends ClientError>(error: E, language: Language): E {
  if (language === 'en' || !error || typeof error.message !== 'string') return error;
  const extensions = error.extensions ?? {};
  const zh = chineseMessage(extensions);
  if (zh === undefined) return error;
  const violations = Array.isArray(extensions.violations)
    ? (extensions.violations as Extensions[]).map((v) => {
      const text = chineseMessage({ code: extensions.code, ...v });
      return text === undefined ? v : { ...v, message: text, messageEn: v.message };
    })
    : undefined;
  // The English of several broken rules ends "(and 2 more: a, b)"; so does the Chinese.
  const more = violations && violations.length > 1 ? `（另有 ${violations.length - 1} 处：${violations.slice(1).map((v) => v.field).join('、')}）` : '';
  return {
    ...error,
    message: zh + more,
    extensions: { ...extensions, ...(violations ? { violations } : {}), messageEn: error.message },
  };
}

/** A response body in the language asked for: the `errors` of a GraphQL answer localized, anything else untouched. */
export function localizeBody(text: string, language: Language): string {
  if (language === 'en' || !text.startsWith('{') || !text.includes('"errors"')) return text;
  let body: { errors?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (!Array.isArray(body.errors)) return text;
  return JSON.stringify({ ...body, errors: body.errors.map((e) => localizeError(e as ClientError, language)) });
}

const isJson = (type: unknown) => typeof type === 'string' && /\bjson\b/i.test(type);
/** The headers object of a writeHead call (`(status, headers)` or `(status, message, headers)`). */
const objectOf = (args: unknown[]) => args.find((a): a is Record<string, unknown> => !!a && typeof a === 'object' && !Array.isArray(a));
const headerOf = (headers: Record<string, unknown> | undefined, name: string) =>
  Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/** Answers whose text may depend on Accept-Language: a GraphQL answer (JSON) and a subscription's events. */
const dependsOnLanguage = (type: unknown) => isJson(type) || (typeof type === 'string' && /^text\/event-stream\b/i.test(type));

/**
 * `Vary: Accept-Language` on every answer whose text depends on it (RFC 9110 §12.5.5), added to
 * what the answer varies on already (CORS's Origin, Apollo's Accept), whether set before with
 * setHeader or passed to writeHead: a shared cache then never hands a Chinese error to an English
 * client. In English too, since the same URL answers in Chinese to another Accept-Language.
 */
export function varyOnLanguage(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const headers = objectOf(args);
    if (dependsOnLanguage(headerOf(headers, 'content-type') ?? res.getHeader('content-type'))) {
      const key = Object.keys(headers ?? {}).find((name) => name.toLowerCase() === 'vary');
      const given = key ? headers![key] : res.getHeader('vary');
      const current = (Array.isArray(given) ? given : given === undefined ? [] : [String(given)]).join(', ');
      if (!/(?:^|,)\s*(?:accept-language|\*)\s*(?:,|$)/i.test(current)) {
        const value = current ? `${current}, Accept-Language` : 'Accept-Language';
        if (key) headers![key] = value; else res.setHeader('vary', value);
      }
    }
    return writeHead(...args);
  }) as typeof res.writeHead;
}

/**
 * Answers this request's errors in the language it asks for. The gateway answers errors from
 * several places (Apollo, authentication, the limits, trusted documents, the audit rate), each
 * with sendJson or Apollo's body; this one hook on the response localizes them all: a complete
 * JSON body passed to `end` is rewritten (with its Content-Length), a streamed body is left alone.
 */
export function answerInLanguage(req: IncomingMessage, res: ServerResponse): void {
  varyOnLanguage(res);
  const language = preferredLanguage(req.headers['accept-language']);
  if (language === 'en') return;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let held: unknown[] | null = null;
  let passThrough = false; // streaming, or Node's own implicit writeHead inside `end`
  const release = () => {
    if (!held) return;
    const args = held;
    held = null;
    writeHead(...args);
  };
  res.writeHead = ((...args: unknown[]) => {
    if (passThrough) return writeHead(...args);
    // Node's own call after ours (flushHeaders): ours goes out, and with it the headers.
    if (held) { passThrough = true; release(); return res; }
    // Only a JSON answer is held until its body is known; a stream, a page, a 204 go out as they come.
    if (!isJson(headerOf(objectOf(args), 'content-type') ?? res.getHeader('content-type'))) { passThrough = true; return writeHead(...args); }
    held = args;
    return res;
  }) as typeof res.writeHead;
  res.write = ((...args: unknown[]) => {
    passThrough = true;
    release();
    return write(...args);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    const headers = held ? objectOf(held) : undefined;
    const type = headerOf(headers, 'content-type') ?? res.getHeader('content-type');
    if (!passThrough && (typeof chunk === 'string' || Buffer.isBuffer(chunk)) && isJson(type)) {
      const text = chunk.toString();
      const localized = localizeBody(text, language);
      if (localized !== text) {
        chunk = localized;
        const length = Buffer.byteLength(localized);
        for (const name of Object.keys(headers ?? {})) if (name.toLowerCase() === 'content-length') headers![name] = length;
        if (!res.headersSent) {
          if (res.hasHeader('content-length')) res.setHeader('content-length', length);
          res.setHeader('content-language', 'zh-CN');
        }
      }
    }
    passThrough = true;
    release();
    return end(chunk, ...rest);
  }) as typeof res.end;
}
