import type { StoredDocument } from '@isms/read-store';

/** A read-model document without the store's bookkeeping fields. */
export function withoutMeta<T extends object>(document: StoredDocument<T>): T {
  const { _id, _version, _revision, _streams, ...body } = document as StoredDocument<T> &
    Record<string, unknown>;
  void _id;
  void _version;
  void _revision;
  void _streams;
  return body as unknown as T;
}
