// Monaco (GraphiQL's editor) runs its language services in web workers. They are
// bundled by build-graphiql.mjs as separate same-origin files; their hashed names
// reach this module through esbuild's `define` (__SESSIONGRAPH_WORKERS__), so the
// URLs resolve next to this bundle and nothing is ever loaded from elsewhere.
/* global __SESSIONGRAPH_WORKERS__ */
const WORKERS = __SESSIONGRAPH_WORKERS__;

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const file = WORKERS[label] ?? WORKERS.editor;
    return new Worker(new URL(file, import.meta.url), { name: `monaco-${label}` });
  },
};
