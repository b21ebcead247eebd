import type { ApolloServerPlugin } from '@apollo/server';
import type { SubgraphContext } from './module';

/**
 * Hands the gateway what this request released (`extensions.releases`); the gateway writes the
 * audit entries, adding who asked and why, and strips the extension before answering the client.
 */
export const reportReleases: ApolloServerPlugin<SubgraphContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (!contextValue.releases?.length || response.body.kind !== 'single') return;
        response.body.singleResult.extensions = { ...response.body.singleResult.extensions, releases: contextValue.releases };
      },
    };
  },
};
