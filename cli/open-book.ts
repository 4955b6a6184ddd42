/**
 * A book from a path, loaded into an engine: reading and parsing (load-book.ts), then handing it
 * to the wasm core or the reference, with every input error naming the file.
 */
import { createEngine } from "../bindings/index.js";
import type { EngineName, LiveBook } from "../bindings/types.js";
import { rethrowInSource } from "./errors.js";
import { loadBook, type LoadedBook } from "./load-book.js";
import { phase } from "./progress.js";

export interface OpenBook {
  readonly loaded: LoadedBook;
  readonly live: LiveBook;
}

export async function openBook(path: string, engineName: EngineName): Promise<OpenBook> {
  const engine = await createEngine(engineName);
  const { value: loaded } = await phase(`reading ${path}`, (progress) => loadBook(path, progress));
  const { value: live } = await phase(`loading into the ${engineName} engine`, async () => {
    try {
      return await engine.load(loaded.book);
    } catch (err) {
      rethrowInSource(err, loaded.source, loaded.form);
    }
  });
  return { loaded, live };
}
