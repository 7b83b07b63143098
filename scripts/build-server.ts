// Part of `npm run build`: compiles server.ts and what it imports outside the Remix build
// (app/boot.server.ts and its modules, search/) into build/server.js, so `npm start` runs
// plain JavaScript. Packages stay external (native addons, wasm, the Meilisearch binary).
import path from "node:path";
import { build } from "esbuild";

// --outdir: another folder (scripts/lib/server-process.ts builds there, then moves the files into build/
// one rename each, so a server starting meanwhile never reads a half-written file)
const outdirArg = process.argv.indexOf("--outdir");
const outdir = outdirArg >= 0 ? process.argv[outdirArg + 1] : "build";
const started = performance.now();
await build({
  entryPoints: ["server.ts"],
  outdir,
  // what server.ts imports dynamically goes to its own files, so a cluster primary (which never
  // loads the app) does not load the app's packages either
  splitting: true,
  chunkNames: "server-chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  // tsconfig "paths" (~/…, #search/…) resolve to our sources; every bare package import stays external
  plugins: [
    {
      name: "external-packages",
      setup(b) {
        b.onResolve({ filter: /^[^./~#]/ }, (args) => (path.isAbsolute(args.path) ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});
console.log(`${outdir}/server.js in ${((performance.now() - started) / 1000).toFixed(2)} s`);
