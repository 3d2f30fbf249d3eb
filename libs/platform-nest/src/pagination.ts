import { z } from 'zod';
import type { Filter, ReadCollection, SortDirection, StoredDocument } from '@isms/read-store';
import { RequestValidationError } from './problem.js';

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
});

export interface Page<T> {
  readonly items: T[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  readonly nextCursor?: string;
}

export interface PaginateOptions {
  /** One sort field (dotted path allowed); `_id` breaks ties so pages never overlap. */
  readonly sortBy?: string;
  readonly direction?: SortDirection;
  readonly limit: number;
  readonly cursor?: string;
}

type CursorValue = string | number | boolean | null;

function decodeCursor(cursor: string): { v: CursorValue; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { id?: unknown }).id === 'string' &&
      'v' in parsed
    ) {
      return parsed as { v: CursorValue; id: string };
    }
  } catch {
    // fall through to the validation error
  }
  throw new RequestValidationError([
    { field: 'query.cursor', message: 'Unknown cursor: use the nextCursor of a previous page' },
  ]);
}

function valueAt(document: Record<string, unknown>, path: string): CursorValue {
  let current: unknown = document;
  for (const key of path.split('.')) {
    current =
      typeof current === 'object' && current !== null
        ? (current as Record<string, unknown>)[key]
        : undefined;
  }
  return current === undefined ? null : (current as CursorValue);
}

/**
 * Cursor (keyset) pagination over a read model: stable under inserts, no skip cost, and only
 * plain finds (so it behaves the same on the in-memory store and on FerretDB).
 */
export async function paginate<T extends object>(
  collection: ReadCollection<T>,
  filter: Filter,
  options: PaginateOptions,
): Promise<Page<StoredDocument<T>>> {
  const sortBy = options.sortBy ?? '_id';
  const direction = options.direction ?? 1;
  const after = options.cursor ? decodeCursor(options.cursor) : undefined;
  const beyond = direction === 1 ? '$gt' : '$lt';
  let pageFilter: Filter = filter;
  if (after) {
    const keyset =
      sortBy === '_id'
        ? { _id: { [beyond]: after.id } }
        : {
            $or: [
              { [sortBy]: { [beyond]: after.v } },
              { [sortBy]: after.v, _id: { [beyond]: after.id } },
            ],
          };
    pageFilter = Object.keys(filter).length === 0 ? keyset : { $and: [filter, keyset] };
  }
  const sort: Record<string, SortDirection> =
    sortBy === '_id' ? { _id: direction } : { [sortBy]: direction, _id: direction };
  const found = await collection.find(pageFilter, { sort, limit: options.limit + 1 });
  const items = found.slice(0, options.limit);
  const last = items[items.length - 1];
  const nextCursor =
    found.length > options.limit && last
      ? Buffer.from(
          JSON.stringify({ v: valueAt(last as Record<string, unknown>, sortBy), id: last._id }),
        ).toString('base64url')
      : undefined;
  return nextCursor ? { items, nextCursor } : { items };
}
