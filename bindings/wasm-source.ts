/**
 * Getting the compiled core. Browsers fetch `liqscan.wasm` next to this module (streaming compile
 * when the server sends application/wasm); Node reads the same file. Callers with their own
 * delivery pass bytes, a Response, a URL or an already compiled WebAssembly.Module (the only
 * choice on platforms that forbid compiling at run time, such as Cloudflare Workers).
 */

export type WasmSource =
  | WebAssembly.Module
  | URL
  | string
  | ArrayBuffer
  | ArrayBufferView
  | Response
  | PromiseLike<Response>;

// Kept in a variable so that bundlers do not try to resolve a Node built-in on the browser path.
const NODE_FS = "node:fs/promises";

let defaultModule: Promise<WebAssembly.Module> | undefined;

/** Compile (once per source object for the default) the liqscan core. */
export function compileCore(source?: WasmSource): Promise<WebAssembly.Module> {
  if (source === undefined) {
    defaultModule ??= compileFrom(new URL("./liqscan.wasm", import.meta.url));
    return defaultModule;
  }
  return compileFrom(source);
}

async function compileFrom(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === "string") source = new URL(source, baseUrl());
  if (source instanceof URL) {
    if (source.protocol === "file:") {
      const fs: { readFile(url: URL): Promise<Uint8Array> } = await import(/* @vite-ignore */ NODE_FS);
      return WebAssembly.compile((await fs.readFile(source)) as Uint8Array<ArrayBuffer>);
    }
    source = fetch(source);
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return WebAssembly.compile(source as BufferSource);
  }
  const response: Response = await (source as PromiseLike<Response>);
  if (!response.ok) throw new Error(`liqscan: could not load the WebAssembly core from ${response.url}: HTTP ${response.status}`);
  const streaming = typeof WebAssembly.compileStreaming === "function"
    && response.headers.get("content-type")?.split(";")[0]?.trim() === "application/wasm";
  return streaming ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}

function baseUrl(): string {
  const location = (globalThis as { location?: { href: string } }).location;
  return location?.href ?? import.meta.url;
}
