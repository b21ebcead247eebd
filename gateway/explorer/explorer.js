// The explorer's start: GraphiQL against this gateway's own /graphql, same origin. A token from
// the dev issuer (`npm run -s token -- --role procurator --org PROC-320706 --region 320706`) goes
// in the Headers tab as {"authorization": "Bearer …"}; a reason for personal data as
// {"x-access-reason": "<percent-encoded UTF-8>"}.
(function () {
  'use strict';
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var query = [
    '# The directory needs no token. With one (Headers tab), try:',
    '#   { cases(first: 5) { edges { node { caseNumber transfer { status decisionDueAt } } } } }',
    '# Headers tab: {"authorization": "Bearer <token from npm run -s token>"}',
    '{',
    '  agencies {',
    '    code',
    '    name',
    '    kind',
    '    region',
    '  }',
    '}',
    '',
  ].join('\n');
  // No placeholder token in the headers: sent as is, it made every query (the schema too) a 401.
  var headers = '{}';
  var root = ReactDOM.createRoot(document.getElementById('explorer'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: query,
    defaultHeaders: headers,
    shouldPersistHeaders: false,
  }));
})();
