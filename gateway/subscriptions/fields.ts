// The gateway's own subscription fields (issue 12). @apollo/gateway does not federate
// subscriptions, so each is defined as "a query re-run on a trigger": the field's arguments and
// selection are those of the query field it names, run as the client through the same path as any
// query (authentication, field authorization and masking, audit), and the owner's change stream
// says when to run it again. A subscription can therefore never see more than the query would.

export interface SubscriptionField {
  /** The query field re-run on each change. */
  query: string;
  /** The owner whose change stream (GET /events/<stream>) triggers it. */
  owner: string;
  stream: string;
  /** Its SDL in `type Subscription`, the query field's arguments and type. */
  sdl: string;
}

export const SUBSCRIPTION_FIELDS: Record<string, SubscriptionField> = {
  inboxChanged: {
    query: 'inbox', owner: 'justice', stream: 'inbox',
    sdl: `  """
  The caller's inbox (双向通报), as the query \`inbox\` answers it: once when subscribed, again whenever
  a notice reaches the caller's unit or the unit marks one read
  """
  inboxChanged(unreadOnly: Boolean = false, first: Int = 20, after: String): InboxConnection`,
  },
  alertsChanged: {
    query: 'alerts', owner: 'procuratorate', stream: 'alerts',
    sdl: `  """
  以罚代刑 and repeat-offender alerts, as the query \`alerts\` answers them: once when subscribed, again
  whenever an alert the caller reads is raised or changes state
  """
  alertsChanged(status: AlertStatus, first: Int = 20, after: String): AlertConnection`,
  },
};

/** `type Subscription` of the client schema (schema/api.graphql). */
export const SUBSCRIPTION_SDL = `"""
Pushed over Server-Sent Events (POST /graphql with Accept: text/event-stream): each field is its
query re-run as the caller whenever the owner signals a change, authorised exactly as that query
"""
type Subscription {
${Object.values(SUBSCRIPTION_FIELDS).map((f) => f.sdl).join('\n\n')}
}`;
