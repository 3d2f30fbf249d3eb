import type {
  DocumentMeta,
  FindOptions,
  SortDirection,
  StoredDocument,
  StreamPosition,
  UpsertOptions,
  WriteOutcome,
} from './read-store.js';
import {
  InvalidDocumentError,
  META_FIELDS,
  SUPPORTED_QUERY_OPERATORS,
  UnsupportedQueryError,
} from './read-store.js';

/*
 * Rules and write decisions shared by every ReadStore adapter, so that the in-memory adapter
 * refuses what FerretDB would refuse, and both adapters decide idempotency the same way.
 */

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;

export function assertCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new RangeError(
      `Collection name "${name}" must match ${COLLECTION_NAME.source} (letters, digits, '_' and '-')`,
    );
  }
}

export function assertDocumentId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 512 || id.includes('\u0000')) {
    throw new InvalidDocumentError('_id', 'must be a non-empty string of at most 512 characters');
  }
}

/** A plain object from any realm (test runners and workers have their own Object.prototype). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.getPrototypeOf(value) === Object.prototype) return true; // the common case, fast
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

function assertKey(key: string, path: readonly (string | number)[]): void {
  if (key.length === 0) throw invalid(path, 'empty field names are not allowed');
  if (key.charCodeAt(0) === 36 /* $ */) throw invalid(path, "field names may not start with '$'");
  if (key.includes('.')) throw invalid(path, "field names may not contain '.'");
  if (key.includes('\u0000')) throw invalid(path, 'field names may not contain NUL');
}

/** Returns the object it is given, so that a subclass's private field is added to that object. */
class PrivateMark {
  constructor(part: object) {
    return part as PrivateMark;
  }
}

/**
 * Parts of stored documents that were validated and frozen by `storableBody(…, { share: true })`
 * (the in-memory adapter): a later write that contains one (a read document's sub-document
 * passed on unchanged) keeps it by reference, without validating or copying it again. They carry
 * a private field of this class, which only this module can add or test: invisible to callers,
 * copies and serialisation, and much cheaper than a WeakSet (no weak table for the collector).
 */
class SealedPart extends PrivateMark {
  readonly #sealed = true;

  static mark(part: object): void {
    new SealedPart(part);
  }

  static has(part: object): boolean {
    return #sealed in part;
  }
}

/** Dates met by the current `storableCopy`: a part holding one is not sealed (a frozen Date still changes). */
let datesMet = 0;

/**
 * A storable deep copy of a value: plain objects, arrays (not directly nested in arrays),
 * strings, finite numbers, booleans, null and Dates. Object fields that are undefined are dropped
 * (as the mongoose adapter's `ignoreUndefined` does). `path` holds the keys down to `value`,
 * joined only for an error message (every write copies whole documents: no string per field).
 * With `share`, sealed parts are kept as they are, and the copy's objects and arrays (those
 * without a Date inside) are frozen and sealed.
 */
function storableCopy(
  value: unknown,
  path: (string | number)[],
  inArray: boolean,
  share: boolean,
): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(path, 'numbers must be finite');
    return value;
  }
  if (share && typeof value === 'object' && SealedPart.has(value)) {
    if (inArray && Array.isArray(value)) {
      throw invalid(path, 'arrays directly inside arrays are not supported');
    }
    return value;
  }
  const dates = datesMet;
  if (Array.isArray(value)) {
    if (inArray) throw invalid(path, 'arrays directly inside arrays are not supported');
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      path.push(index);
      if (item === undefined) throw invalid(path, 'undefined in an array');
      copy[index] = storableCopy(item, path, true, share);
      path.pop();
    }
    if (share && datesMet === dates) seal(copy);
    return copy;
  }
  if (isPlainObject(value)) {
    const copy = storableFields(value, path, share);
    if (share && datesMet === dates) seal(copy);
    return copy;
  }
  if (isDate(value)) {
    if (Number.isNaN(value.getTime())) throw invalid(path, 'invalid Date');
    datesMet += 1;
    return new Date(value.getTime());
  }
  throw invalid(
    path,
    `${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value} values cannot be stored`,
  );
}

/**
 * The storable copies of an object's fields (see `storableCopy`), in a new object; at the top
 * of a document (`skipMeta`), without the reserved meta fields.
 */
function storableFields(
  value: Record<string, unknown>,
  path: (string | number)[],
  share: boolean,
  skipMeta = false,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    if (skipMeta && META_FIELD_SET.has(key)) continue;
    path.push(key);
    assertKey(key, path);
    const field = value[key];
    if (field !== undefined) copy[key] = storableCopy(field, path, false, share);
    path.pop();
  }
  return copy;
}

const META_FIELD_SET: ReadonlySet<string> = new Set(META_FIELDS);

function seal(part: object): void {
  SealedPart.mark(part);
  Object.freeze(part);
}

/**
 * Seals a stored document (one written without `share`, or read back from a snapshot) and every
 * part of it without a Date inside. True if the document itself is sealed now.
 */
export function sealStored(value: object): boolean {
  if (SealedPart.has(value)) return true;
  if (isDate(value)) return false;
  let sealable = true;
  const parts: object[] = Array.isArray(value) ? value : Object.values(value);
  for (const part of parts) {
    if (typeof part === 'object' && part !== null && !sealStored(part)) sealable = false;
  }
  if (sealable) seal(value);
  return sealable;
}

function invalid(path: readonly (string | number)[], message: string): InvalidDocumentError {
  return new InvalidDocumentError(path.length > 0 ? path.join('.') : '(document)', message);
}

/** How a write copies the caller's body. */
export interface BodyCopyOptions {
  /**
   * Keep sealed parts (see `sealStored`) by reference and seal the copy's parts: for an adapter
   * that hands out its stored documents frozen instead of copying them (the in-memory one).
   */
  readonly share?: boolean;
}

/**
 * Validates a caller's document body and returns a copy without the reserved meta fields
 * (sealed parts kept, and the copy's parts sealed, with `share`; the copy itself is not frozen).
 */
export function storableBody(
  id: string,
  body: unknown,
  { share = false }: BodyCopyOptions = {},
): Record<string, unknown> {
  return copyBody(id, body, share).copy;
}

/** `storableBody`, and whether the copy may be sealed as it is (with `share`, and no Date in it). */
function copyBody(
  id: string,
  body: unknown,
  share: boolean,
): { copy: Record<string, unknown>; sealable: boolean } {
  assertDocumentId(id);
  if (!isPlainObject(body)) throw new InvalidDocumentError('(document)', 'must be a plain object');
  const _id = body['_id'];
  if (_id !== undefined && _id !== id) {
    throw new InvalidDocumentError(
      '_id',
      `is "${String(_id)}" but the document is written as "${id}"`,
    );
  }
  // The top level is not sealed: the stored document is made from it with the meta fields.
  const dates = datesMet;
  const copy = storableFields(body, [], share, true);
  return { copy, sealable: share && datesMet === dates };
}

/** A deep copy of a stored (hence validated) document: plain objects, arrays, Dates, scalars. */
export function copyDocument<T>(document: T): T {
  return deepCopy(document) as T;
}

function deepCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = deepCopy(value[index]);
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && isDate(value)) {
    return new Date(value.getTime());
  }
  const copy: Record<string, unknown> = {};
  // A stored document's objects are plain (validated on write): no inherited enumerable keys.
  for (const key in value) copy[key] = deepCopy((value as Record<string, unknown>)[key]);
  return copy;
}

const OPERATORS = new Set<string>(SUPPORTED_QUERY_OPERATORS);
const LOGICAL = new Set(['$and', '$or']);

/** Throws UnsupportedQueryError for operators outside `SUPPORTED_QUERY_OPERATORS`. */
export function assertSupportedFilter(filter: unknown, path = '(filter)'): void {
  if (!isPlainObject(filter)) throw new UnsupportedQueryError(`${path} must be a plain object`);
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      if (!LOGICAL.has(key)) {
        throw new UnsupportedQueryError(`${path}: top-level operator ${key} is not supported`);
      }
      if (!Array.isArray(value) || value.length === 0) {
        throw new UnsupportedQueryError(`${path}.${key} must be a non-empty array of filters`);
      }
      value.forEach((sub, i) => assertSupportedFilter(sub, `${path}.${key}.${i}`));
      continue;
    }
    if (key.length === 0) throw new UnsupportedQueryError(`${path}: empty field path`);
    assertCondition(value, `${path}.${key}`);
  }
}

function assertCondition(condition: unknown, path: string): void {
  if (Array.isArray(condition)) {
    throw new UnsupportedQueryError(
      `${path}: matching a whole array is not supported (nested arrays)`,
    );
  }
  if (!isPlainObject(condition)) return; // equality with a scalar or Date
  const keys = Object.keys(condition);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length === 0) return; // equality with an embedded document
  if (operators.length !== keys.length) {
    throw new UnsupportedQueryError(`${path}: do not mix operators and fields in one condition`);
  }
  for (const operator of operators) {
    const argument = condition[operator];
    if (!OPERATORS.has(operator) || LOGICAL.has(operator)) {
      throw new UnsupportedQueryError(
        `${path}: operator ${operator} is not supported (use ${SUPPORTED_QUERY_OPERATORS.join(', ')})`,
      );
    }
    if (['$in', '$nin', '$all'].includes(operator) && !Array.isArray(argument)) {
      throw new UnsupportedQueryError(`${path}.${operator} needs an array`);
    }
    if (operator === '$exists' && typeof argument !== 'boolean') {
      throw new UnsupportedQueryError(`${path}.$exists needs true or false`);
    }
    if (operator === '$size' && !(Number.isInteger(argument) && (argument as number) >= 0)) {
      throw new UnsupportedQueryError(`${path}.$size needs a non-negative integer`);
    }
  }
}

export function assertFindOptions(options: FindOptions): void {
  for (const [field, direction] of Object.entries(options.sort ?? {})) {
    if (direction !== 1 && direction !== -1) {
      throw new UnsupportedQueryError(`sort.${field} must be 1 or -1`);
    }
  }
  for (const name of ['limit', 'skip'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      throw new UnsupportedQueryError(`${name} must be a non-negative integer`);
    }
  }
  const projection = Object.entries(options.projection ?? {}).filter(([field]) => field !== '_id');
  const included = projection.filter(([, flag]) => flag === 1).length;
  if (included > 0 && included < projection.length) {
    throw new UnsupportedQueryError('projection: include or exclude fields, not both');
  }
  for (const [field, flag] of Object.entries(options.projection ?? {})) {
    if (flag !== 0 && flag !== 1)
      throw new UnsupportedQueryError(`projection.${field} must be 0 or 1`);
  }
}

/** The sort actually applied: the caller's, then `_id` ascending to make the order total. */
export function totalSort(
  sort: Readonly<Record<string, SortDirection>> = {},
): Record<string, SortDirection> {
  return '_id' in sort ? { ...sort } : { ...sort, _id: 1 };
}

/**
 * Stream ids become keys of `_streams`; MongoDB (and FerretDB) keys may not contain '.' or
 * start with '$', so those characters (and '%') are percent-encoded.
 */
export function guardKey(streamId: string): string {
  if (streamId.length === 0 || streamId.includes('\u0000')) {
    throw new InvalidDocumentError('_streams', 'stream id must be a non-empty string without NUL');
  }
  return streamId.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The last revision of a stream applied to a document by applyEvent (0 if none). */
export function lastAppliedRevision(document: Partial<DocumentMeta> | undefined, streamId: string) {
  return document?._streams?.[guardKey(streamId)] ?? 0;
}

/**
 * What an adapter must do for a write, decided from the current document alone:
 * skip, insert (expectedVersion undefined: fails if someone created it meanwhile) or replace
 * if `_version` is still expectedVersion. On a failed insert/replace, read again and re-plan.
 */
export type WritePlan =
  | { readonly action: 'skip'; readonly outcome: Exclude<WriteOutcome, 'applied'> }
  | {
      readonly action: 'write';
      readonly expectedVersion: number | undefined;
      readonly next: StoredDocument<Record<string, unknown>>;
    };

export function assertUpsertRevision(revision: number | undefined): void {
  if (revision !== undefined && !(Number.isSafeInteger(revision) && revision >= 1)) {
    throw new RangeError(`upsert revision must be an integer ≥ 1, got ${revision}`);
  }
}

export function assertStreamPosition(position: StreamPosition): void {
  const { streamRevision } = position;
  if (!(Number.isSafeInteger(streamRevision) && streamRevision >= 1)) {
    throw new RangeError(`streamRevision must be an integer ≥ 1, got ${streamRevision}`);
  }
}

export function planUpsert(
  id: string,
  current: StoredDocument<object> | undefined,
  body: unknown,
  options: UpsertOptions = {},
  copying: BodyCopyOptions = {},
): WritePlan {
  const revision = options.revision;
  assertUpsertRevision(revision);
  if (revision !== undefined && (current?._revision ?? 0) >= revision) {
    return { action: 'skip', outcome: 'stale' };
  }
  const next = withMeta(copyBody(id, body, copying.share ?? false), id, current, revision);
  return { action: 'write', expectedVersion: current?._version, next };
}

export function planApplyEvent<T extends object>(
  id: string,
  current: StoredDocument<T> | undefined,
  position: StreamPosition,
  mutate: (current: StoredDocument<T> | undefined) => T | undefined,
): WritePlan {
  assertDocumentId(id);
  assertStreamPosition(position);
  const { streamId, streamRevision } = position;
  const key = guardKey(streamId);
  if (lastAppliedRevision(current, streamId) >= streamRevision) {
    return { action: 'skip', outcome: 'stale' };
  }
  const body = mutate(current === undefined ? undefined : copyDocument(current));
  if (body === undefined) return { action: 'skip', outcome: 'unchanged' };
  const next: StoredDocument<Record<string, unknown>> = {
    ...nextAppliedVersion(id, current, body),
    _streams: { ...(current?._streams ?? {}), [key]: streamRevision },
  };
  return { action: 'write', expectedVersion: current?._version, next };
}

/**
 * The next version of a document an event was applied to, without its guards: the caller's body
 * (checked and copied), the next `_version`, the `_revision` of the last upsert kept.
 */
export function nextAppliedVersion(
  id: string,
  current: Partial<DocumentMeta> | undefined,
  body: unknown,
  copying: BodyCopyOptions = {},
): StoredDocument<Record<string, unknown>> {
  return withMeta(copyBody(id, body, copying.share ?? false), id, current, current?._revision);
}

/**
 * The stored document: the body `copyBody` just copied, then the store's fields, sealed when it
 * may be (its parts are sealed already, so the adapter need not walk them to know). Made with a
 * spread, not by setting the fields on the copy: V8 lays a spread's object out compactly, while
 * the copy, grown field by field, keeps its fields out of the object (at 96k events the read
 * models took 305 MiB of heap that way, 225 MiB with the spread).
 */
function withMeta(
  { copy, sealable }: { copy: Record<string, unknown>; sealable: boolean },
  id: string,
  current: Partial<DocumentMeta> | undefined,
  revision: number | undefined,
): StoredDocument<Record<string, unknown>> {
  const next: StoredDocument<Record<string, unknown>> = {
    ...copy,
    _id: id,
    _version: (current?._version ?? 0) + 1,
    ...(revision !== undefined ? { _revision: revision } : {}),
  };
  if (sealable) seal(next);
  return next;
}
