/**
 * Reading a venue's API responses (parsed by ../json.ts's strict parser, numbers kept as their
 * text): the checks every importer makes, each error naming the record and the field.
 */
import { BookError, describeValue } from "../errors.js";
import { JsonNumber } from "../json.js";
import type { JsonObject, JsonValue } from "../json.js";

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

export function has(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

export function describeJson(v: JsonValue | undefined): string {
  if (v instanceof JsonNumber) return `JSON number ${v.raw.length > 40 ? v.raw.slice(0, 40) + "..." : v.raw}`;
  if (v === undefined) return "nothing";
  return describeValue(v);
}

/** A record of a file: `state.json: assetPositions[2]`, or the file alone. */
export function rec(source: string, record: string): string {
  return record === "" ? source : `${source}: ${record}`;
}

export function object(v: JsonValue | undefined, record: string, field: string): JsonObject {
  if (!isObject(v)) throw new BookError(record, field, `expected an object, got ${describeJson(v)}`);
  return v;
}

export function array(v: JsonValue | undefined, record: string, field: string): JsonValue[] {
  if (!Array.isArray(v)) throw new BookError(record, field, `expected an array, got ${describeJson(v)}`);
  return v;
}

/** `o[key]`, which must be present (`prefix` names the enclosing object in the field: "position.szi"). */
export function required(o: JsonObject, key: string, record: string, prefix = ""): JsonValue {
  if (!has(o, key)) throw new BookError(record, prefix + key, "missing");
  return o[key]!;
}

export function text(v: JsonValue, record: string, field: string): string {
  if (typeof v !== "string") throw new BookError(record, field, `expected a string, got ${describeJson(v)}`);
  return v;
}

/** An exact decimal string: its units of 10^-decimals and its decimals. */
export interface Dec {
  readonly text: string;
  readonly units: bigint;
  readonly decimals: number;
}

export const DECIMAL_RE = /^-?[0-9]+(\.[0-9]+)?$/;
