/**
 * Where evidence files live, addressed by their SHA-256 within a tenant. The event records the
 * hash; the store keeps the bytes (the filesystem under `<ISMS_DATA_DIR>/evidence` in the
 * embedded mode). Reads are checked against the hash by the caller.
 */
export interface EvidenceContentStore {
  /** Stores the bytes (idempotent: the same content is stored once per tenant). */
  put(
    tenantId: string,
    content: Buffer,
  ): Promise<{ readonly sha256: string; readonly size: number }>;
  /** The bytes, or undefined if nothing is stored under this hash. */
  get(tenantId: string, sha256: string): Promise<Buffer | undefined>;
}

export const EVIDENCE_CONTENT_STORE = Symbol.for('isms.controls.EvidenceContentStore');

/**
 * Whether the bytes look like the declared type (magic numbers), so that a renamed executable is
 * not kept as a "PDF". Text types must be UTF-8 without NUL bytes; JSON must parse.
 */
export function contentMatchesType(contentType: string, content: Buffer): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => content[i] === b);
  const utf8 = () => {
    if (content.includes(0)) return undefined;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      return undefined;
    }
  };
  switch (contentType) {
    case 'application/pdf':
      return starts(0x25, 0x50, 0x44, 0x46); // %PDF
    case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
    case 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet':
      return starts(0x50, 0x4b, 0x03, 0x04); // a ZIP container
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'text/plain':
    case 'text/csv':
      return utf8() !== undefined;
    case 'application/json': {
      const text = utf8();
      if (text === undefined) return false;
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    }
    default:
      return false;
  }
}
