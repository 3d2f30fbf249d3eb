/**
 * Where the content of controlled documents lives, addressed by its SHA-256. The event records
 * the hash; the store keeps the bytes. Filesystem in the embedded mode (`<ISMS_DATA_DIR>/documents`).
 */
export interface DocumentContentStore {
  /** Stores the bytes (idempotent: the same content is stored once) and returns its hash. */
  put(content: Buffer): Promise<{ readonly sha256: string; readonly size: number }>;
  /** The bytes, or undefined if nothing is stored under this hash. */
  get(sha256: string): Promise<Buffer | undefined>;
}

export const DOCUMENT_CONTENT_STORE = Symbol.for('isms.governance.DocumentContentStore');

/** Upload rules: size limit and the content types documents may have. */
export interface DocumentUploadPolicy {
  readonly maxBytes: number;
}

export const DOCUMENT_UPLOAD_POLICY = Symbol.for('isms.governance.DocumentUploadPolicy');
export const DEFAULT_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024;

/** The content-type allowlist, with the extension each type is known by. */
export const ALLOWED_DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'image/png': 'png',
  'image/jpeg': 'jpeg',
};

/**
 * Whether the bytes look like the declared type (magic numbers), so a renamed executable is not
 * stored as a "PDF". Text must be UTF-8 without NUL bytes.
 */
export function contentMatchesType(contentType: string, content: Buffer): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => content[i] === b);
  switch (contentType) {
    case 'application/pdf':
      return starts(0x25, 0x50, 0x44, 0x46); // %PDF
    case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
    case 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet':
      return starts(0x50, 0x4b, 0x03, 0x04); // ZIP container
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'text/plain':
    case 'text/markdown':
      if (content.includes(0)) return false;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(content);
        return true;
      } catch {
        return false;
      }
    default:
      return false;
  }
}
