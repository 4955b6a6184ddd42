// tsc does not copy assets: put the core next to the compiled bindings so that
// `new URL("./liqscan.wasm", import.meta.url)` resolves the same way from source and from dist/.
import { copyFileSync, mkdirSync } from "node:fs";
mkdirSync("dist/bindings", { recursive: true });
copyFileSync("bindings/liqscan.wasm", "dist/bindings/liqscan.wasm");
