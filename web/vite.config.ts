// The demo's build. "liqscan" resolves to the built package entry (dist/bindings/index.js, with
// liqscan.wasm next to it), as it would from node_modules, so the page exercises the package's own
// `new URL("./liqscan.wasm", import.meta.url)` lookup: Vite copies the core as an asset.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "./",
  resolve: { alias: [{ find: /^liqscan$/, replacement: here("../dist/bindings/index.js") }, { find: /^liqscan\/tables$/, replacement: here("../dist/book/tables.js") }] },
  worker: { format: "es" },
  build: { outDir: here("../build/web"), emptyOutDir: true, target: "es2022" },
  server: { fs: { allow: [here("..")] } },
});
