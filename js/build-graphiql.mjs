// Builds the offline GraphiQL explorer into app/graphiql/static/ (git-ignored):
//   main-<hash>.js / main-<hash>.css   the explorer (graphiql/main.jsx) and its styles
//   *.worker-<hash>.js                 Monaco's web workers (editor, JSON, GraphQL)
//   <font>-<hash>.<ext>                fonts the CSS refers to
//   manifest.json                      which file is which; the gateway reads it
// Every name carries a content hash, so the gateway serves them as immutable.
// Usage: node build-graphiql.mjs   (run by `./dev setup` after `npm ci`)
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(here, '..', 'app', 'graphiql', 'static');

const WORKERS = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
};

const common = {
  absWorkingDir: here,
  bundle: true,
  minify: true,
  outdir,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  target: ['es2022'],
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
};

/** Output file names of one esbuild result, relative to outdir, keyed by entry point. */
function outputs(result) {
  const byEntry = {};
  const files = [];
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    const name = path.relative(outdir, path.resolve(here, file));
    files.push(name);
    if (meta.entryPoint) byEntry[meta.entryPoint] = { js: name, css: meta.cssBundle && path.relative(outdir, path.resolve(here, meta.cssBundle)) };
  }
  return { byEntry, files };
}

async function build() {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });

  // 1. Monaco's workers: classic (IIFE) scripts, one per language service.
  const workerResult = await esbuild.build({
    ...common,
    entryPoints: Object.values(WORKERS).map((spec) => ({ in: spec, out: path.basename(spec, '.js') })),
    format: 'iife',
  });
  const workerOut = outputs(workerResult);
  const workers = {};
  for (const [label, spec] of Object.entries(WORKERS)) {
    const entry = Object.entries(workerOut.byEntry).find(([ep]) => ep.endsWith(spec));
    if (!entry) throw new Error(`worker ${label} (${spec}) was not built`);
    workers[label] = `./${entry[1].js}`;
  }

  // 2. The explorer: an ES module (it resolves worker URLs against import.meta.url).
  const mainResult = await esbuild.build({
    ...common,
    entryPoints: { main: 'graphiql/main.jsx' },
    format: 'esm',
    jsx: 'automatic',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
    define: { ...common.define, __SESSIONGRAPH_WORKERS__: JSON.stringify(workers) },
  });
  const mainOut = outputs(mainResult);
  const main = Object.values(mainOut.byEntry)[0];
  if (!main?.js || !main.css) throw new Error('the explorer bundle has no JS or CSS output');

  const manifest = {
    script: main.js,
    style: main.css,
    workers: Object.fromEntries(Object.entries(workers).map(([k, v]) => [k, v.slice(2)])),
    files: [...workerOut.files, ...mainOut.files].sort(),
  };
  await writeFile(path.join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`GraphiQL assets built in ${path.relative(process.cwd(), outdir) || '.'}: ${manifest.script}, ${manifest.style}, ${manifest.files.length} files`);
}

build().catch((error) => {
  console.error(error);
  process.exit(1);
});
