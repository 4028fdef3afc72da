// sessiongraph's GraphiQL explorer: bundled by build-graphiql.mjs, served by the
// gateway itself (no CDN), so it works wherever the gateway runs.
import './monaco-workers.js';

import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { createRoot } from 'react-dom/client';

import { DEFAULT_QUERY, defaultHeaders, defaultTabs } from './examples.js';

import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './page.css';

/** Settings the gateway writes into the page as a JSON data block (never executed). */
function readConfig() {
  const node = document.getElementById('sessiongraph-graphiql-config');
  const defaults = { endpoint: window.location.pathname, apiKeyRequired: false };
  if (!node) return defaults;
  try {
    return { ...defaults, ...JSON.parse(node.textContent || '{}') };
  } catch {
    return defaults;
  }
}

const config = readConfig();
// Subscriptions go over graphql-transport-ws on the same path; the headers editor's
// values (X-API-Key, Authorization) travel in the connection_init payload.
const wsScheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
const fetcher = createGraphiQLFetcher({
  url: config.endpoint,
  subscriptionUrl: `${wsScheme}//${window.location.host}${config.endpoint}`,
});
// GraphiQL adds its documentation explorer itself; `plugins` replaces only the rest.
const plugins = [explorerPlugin(), HISTORY_PLUGIN];

// Tab state is kept per gateway path so two gateways on one origin do not mix.
const NAMESPACE = `sessiongraph:${config.endpoint}`;
const storage = {
  getItem: (key) => window.localStorage.getItem(`${NAMESPACE}:${key}`),
  setItem: (key, value) => window.localStorage.setItem(`${NAMESPACE}:${key}`, value),
  removeItem: (key) => window.localStorage.removeItem(`${NAMESPACE}:${key}`),
  clear: () => {
    for (const key of Object.keys(window.localStorage)) {
      if (key.startsWith(`${NAMESPACE}:`)) window.localStorage.removeItem(key);
    }
  },
  get length() {
    return Object.keys(window.localStorage).filter((k) => k.startsWith(`${NAMESPACE}:`)).length;
  },
};

function Explorer() {
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      storage={storage}
      defaultQuery={DEFAULT_QUERY}
      defaultHeaders={defaultHeaders(config.apiKeyRequired)}
      defaultTabs={defaultTabs(config.apiKeyRequired)}
      isHeadersEditorEnabled
      // Credentials typed into the headers editor stay in memory unless the user opts in.
      shouldPersistHeaders={false}
      defaultEditorToolsVisibility={config.apiKeyRequired ? 'headers' : true}
    >
      <GraphiQL.Logo>sessiongraph</GraphiQL.Logo>
    </GraphiQL>
  );
}

createRoot(document.getElementById('graphiql')).render(<Explorer />);
