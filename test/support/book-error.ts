import { expect } from "vitest";
import { BookError } from "../../book/errors.js";

/** The BookError that `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): BookError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BookError);
    return e as BookError;
  }
  throw new Error("expected a BookError, nothing was thrown");
}
