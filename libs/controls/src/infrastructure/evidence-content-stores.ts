import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EvidenceContentStore } from '../application/evidence-content-store.js';

const SHA256 = /^[0-9a-f]{64}$/;
const SAFE_TENANT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function tenantDir(tenantId: string): string {
  if (!SAFE_TENANT.test(tenantId)) throw new RangeError(`Unexpected tenant id ${tenantId}`);
  return tenantId;
}

/** Evidence files on disk: `<dir>/<tenant>/<ab>/<sha256>`, written atomically (temp + rename). */
export class FilesystemEvidenceContentStore implements EvidenceContentStore {
  constructor(private readonly dir: string) {}

  async put(tenantId: string, content: Buffer) {
    const hash = sha256(content);
    const file = this.path(tenantId, hash);
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, content, { mode: 0o600 });
      await rename(temp, file);
    }
    return { sha256: hash, size: content.length };
  }

  async get(tenantId: string, hash: string) {
    if (!SHA256.test(hash)) return undefined;
    try {
      return await readFile(this.path(tenantId, hash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private path(tenantId: string, hash: string): string {
    return join(this.dir, tenantDir(tenantId), hash.slice(0, 2), hash);
  }
}

/** For tests and `ISMS_DATA_DIR=memory`. */
export class InMemoryEvidenceContentStore implements EvidenceContentStore {
  private readonly files = new Map<string, Buffer>();

  async put(tenantId: string, content: Buffer) {
    const hash = sha256(content);
    this.files.set(`${tenantDir(tenantId)}/${hash}`, Buffer.from(content));
    return { sha256: hash, size: content.length };
  }

  async get(tenantId: string, hash: string) {
    const found = this.files.get(`${tenantDir(tenantId)}/${hash}`);
    return found ? Buffer.from(found) : undefined;
  }

  /** Tests only: what an attacker with disk access could do. */
  tamper(tenantId: string, hash: string, content: Buffer): void {
    this.files.set(`${tenantDir(tenantId)}/${hash}`, content);
  }
}
