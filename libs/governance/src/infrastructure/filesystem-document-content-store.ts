import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentContentStore } from '../application/document-content-store.js';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Document content as files named by their SHA-256 in one directory. Written to a temporary
 * file and renamed, so a crash never leaves a half-written file under a valid name.
 */
export class FilesystemDocumentContentStore implements DocumentContentStore {
  constructor(private readonly directory: string) {}

  async put(content: Buffer): Promise<{ sha256: string; size: number }> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    const target = join(this.directory, sha256);
    await mkdir(this.directory, { recursive: true });
    const exists = await stat(target).then(
      (s) => s.size === content.length,
      () => false,
    );
    if (!exists) {
      const temporary = join(this.directory, `.${sha256}.${randomUUID()}.tmp`);
      await writeFile(temporary, content, { mode: 0o600 });
      try {
        await rename(temporary, target);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
    }
    return { sha256, size: content.length };
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    if (!SHA256.test(sha256)) return undefined;
    try {
      return await readFile(join(this.directory, sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

/** For tests and the `memory` data directory. */
export class InMemoryDocumentContentStore implements DocumentContentStore {
  private readonly contents = new Map<string, Buffer>();

  async put(content: Buffer): Promise<{ sha256: string; size: number }> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    this.contents.set(sha256, Buffer.from(content));
    return { sha256, size: content.length };
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    const content = this.contents.get(sha256);
    return content ? Buffer.from(content) : undefined;
  }
}
