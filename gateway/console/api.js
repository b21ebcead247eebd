// The console's only way to the hub: POST /graphql on this origin, as any client would. The token
// and the stated reason live in sessionStorage (gone when the tab closes), never in a cookie, so a
// request from another site carries neither (and the gateway keeps Apollo's CSRF prevention).
const TOKEN = 'supervision-console.token';
const REASON = 'supervision-console.reason';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN) ?? ''; },
  set token(value) { value ? sessionStorage.setItem(TOKEN, value) : sessionStorage.removeItem(TOKEN); },
  /** 查看理由: sent as X-Access-Reason; personal data in full needs one (个人信息保护法 第六条: purpose). */
  get reason() { return sessionStorage.getItem(REASON) ?? ''; },
  set reason(value) { value ? sessionStorage.setItem(REASON, value) : sessionStorage.removeItem(REASON); },
};

let registered;
/**
 * The gateway's word on trusted documents (/console/operations.json): when it runs registered
 * operations only, the console sends each operation's hash (Apollo's persistedQuery extension)
 * instead of its text. The console's operations are registered from this folder with
 * `npm run operations:register -- --client console gateway/console`.
 */
function registeredOperations() {
  registered ??= fetch('/console/operations.json').then((r) => (r.ok ? r.json() : { trusted: false, ids: {} })).catch(() => { registered = undefined; return { trusted: false, ids: {} }; });
  return registered;
}

const nameOf = (query) => /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1];

/** The request body: the operation's hash when the gateway runs registered operations and knows this one, else its text. */
async function bodyOf(query, variables) {
  const { trusted, ids } = await registeredOperations();
  const id = trusted ? ids[nameOf(query)] : undefined;
  return id ? { variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } } : { query, variables };
}

/**
 * Runs one operation. Answers { data, errors, status }: a field the caller may not see is null in
 * data with an error at its path (withheld), which the views show as such; the rest still renders.
 */
export async function graphql(query, variables = {}) {
  // The console is for Chinese-speaking officers: the gateway's messages in Chinese (schema/messages.json), whatever the browser's language.
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', 'accept-language': 'zh-CN' };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  // The header carries bytes: a reason in Chinese goes percent-encoded (UTF-8), as the README says.
  if (session.reason) headers['x-access-reason'] = encodeURIComponent(session.reason);
  let response;
  try {
    response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(await bodyOf(query, variables)) });
  } catch {
    return { status: 0, data: null, errors: [{ message: '无法连接到服务', extensions: { code: 'NETWORK' } }] };
  }
  let body;
  try { body = await response.json(); } catch { body = { errors: [{ message: `HTTP ${response.status}` }] }; }
  return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
}

const same = (a, b) => a.length === b.length && a.every((part, i) => part === b[i]);

/** The error reported at exactly `path` (e.g. ['case', 'party', 'idNumber']), if any. */
export function errorAt(errors, path) {
  return errors.find((error) => Array.isArray(error.path) && same(error.path, path));
}

/** Codes that mean "not for you" rather than "something broke". */
const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHENTICATED']);
export const isRefusal = (error) => !!error && REFUSALS.has(error.extensions?.code);

/** Errors no path explains (the operation as a whole failed): shown above the view. */
export const topLevelErrors = (errors) => errors.filter((error) => !Array.isArray(error.path) || error.path.length === 0);
