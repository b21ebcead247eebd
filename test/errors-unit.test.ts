// The pieces behind errors a client can act on (issue 12), without a hub: the gateway's own
// validation rules, the field read from a variable's coercion error, and which subgraph answers
// are the client's mistake rather than an outage. End to end: test/errors.test.ts.
import { GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it, test } from 'vitest';
import { policySchema } from '../gateway/authorization/api-schema';
import { clientInputRefused } from '../gateway/data-source';
import { formatClientError, variableField } from '../gateway/errors';
import { GATEWAY_VALIDATION_RULES } from '../gateway/validation';

const schema = policySchema().schema;
const problems = (query: string) => validate(schema, parse(query), [...specifiedRules, ...GATEWAY_VALIDATION_RULES])
  .map((e) => ({ message: e.message, ...e.extensions }));

describe("the gateway's validation rules", () => {
  it('a subscription, which this API does not offer, is invalid', () => {
    expect(problems('subscription { inbox { id } }')).toEqual([expect.objectContaining({ rule: 'operationType', message: expect.stringMatching(/subscription/) })]);
  });

  test.each(['1e309', '-1e309', '1' + '0'.repeat(400)])('a Float literal %s that is no finite double is invalid, named by its argument path', (literal) => {
    expect(problems(`{ publishedDecisions(filter: { region: "320706" }, first: 1) { edges { node { id } } } alerts(first: 1) { edges { node { id } } } }`)).toEqual([]);
    const query = `mutation { createMarketRegulationCase(input: { caseNumber: "x", actType: ADMINISTRATIVE_PENALTY, cause: "x", party: { kind: NATURAL_PERSON, name: "x", idNumber: "x" }, amountInvolved: ${literal}, decidedAt: "2026-09-15T02:00:00Z", region: "320706" }) { id } }`;
    expect(problems(query)).toEqual([expect.objectContaining({ field: 'input.amountInvolved', rule: 'finite' })]);
  });

  it('a finite Float literal is valid', () => {
    expect(problems(`mutation { createMarketRegulationCase(input: { caseNumber: "x", actType: ADMINISTRATIVE_PENALTY, cause: "x", party: { kind: NATURAL_PERSON, name: "x", idNumber: "x" }, amountInvolved: 1.5e6, decidedAt: "2026-09-15T02:00:00Z", region: "320706" }) { id } }`)).toEqual([]);
  });

  test.each([['"not a date"'], ['"2026-13-45"'], ['5']])('a DateTime literal %s that no subgraph would parse is invalid, named', (literal) => {
    expect(problems(`{ auditLog(filter: { from: ${literal} }) { edges { node { sequence } } } }`))
      .toEqual([expect.objectContaining({ field: 'filter.from', rule: 'dateTime', message: expect.stringMatching(/^Expected value of type "DateTime"/) })]);
  });

  it('a DateTime literal with an offset, and a variable, are valid here', () => {
    expect(problems(`query($to: DateTime) { auditLog(filter: { from: "2026-09-15T08:00:00+08:00", to: $to }) { edges { node { sequence } } } }`)).toEqual([]);
  });
});

describe("a variable's coercion error names its field", () => {
  test.each([
    ['Variable "$input" got invalid value "yesterday" at "input.decidedAt"; Expected type "DateTime". DateTime must be an ISO 8601 date-time', { field: 'input.decidedAt', rule: 'type' }],
    ['Variable "$ids" got invalid value 5 at "ids[3]"; ID cannot represent value: 5', { field: 'ids.3', rule: 'type' }],
    ['Variable "$first" got invalid value "x"; Int cannot represent non-integer value: "x"', { field: 'first', rule: 'type' }],
    ['Variable "$id" of required type "ID!" was not provided.', { field: 'id', rule: 'required' }],
    ['Variable "$id" of non-null type "ID!" must not be null.', { field: 'id', rule: 'required' }],
  ])('%s', (message, expected) => {
    expect(variableField(message)).toEqual(expected);
    expect(formatClientError({ message, extensions: { code: 'BAD_USER_INPUT' } }).extensions).toEqual({ code: 'BAD_USER_INPUT', ...expected });
  });

  it("leaves a field a subgraph's rule already named, and other messages, alone", () => {
    expect(formatClientError({ message: 'amount: must be finite', extensions: { code: 'BAD_USER_INPUT', field: 'input.amount', rule: 'finite' } }).extensions)
      .toEqual({ code: 'BAD_USER_INPUT', field: 'input.amount', rule: 'finite' });
    expect(variableField('Unknown argument "x"')).toBeUndefined();
  });
});

describe("a subgraph's refusal: the client's mistake or the service's", () => {
  const answered = (status: number, errors: unknown) => new GraphQLError(`${status}: Bad Request`, { extensions: { response: { status, body: { errors } } } });
  const coercion = { message: 'Variable "$input" got invalid value "x" at "input.decidedAt"; …', extensions: { code: 'BAD_USER_INPUT' } };

  it('a 400 whose every error is BAD_USER_INPUT: its errors pass on', () => {
    expect(clientInputRefused(answered(400, [coercion]))).toEqual([coercion]);
  });

  it.each([
    ['a 400 with another code', answered(400, [coercion, { message: 'x', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }])],
    ['a 401 (the gateway\'s identity refused)', answered(401, [{ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }])],
    ['a 500', answered(500, [coercion])],
    ['a transport failure', new Error('connect ECONNREFUSED 127.0.0.1:4001')],
    ['a 400 without GraphQL errors', answered(400, undefined)],
  ])('%s: not the client\'s to fix (the service did not answer it)', (_, error) => {
    expect(clientInputRefused(error)).toBeNull();
  });
});
