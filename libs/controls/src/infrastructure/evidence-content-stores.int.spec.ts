import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentMatchesType } from '../application/evidence-content-store.js';
import { FilesystemEvidenceContentStore } from './evidence-content-stores.js';

describe('filesystem evidence content store', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isms-evidence-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores content under its SHA-256 per tenant, once, owner-readable only', async () => {
    const store = new FilesystemEvidenceContentStore(dir);
    const content = Buffer.from('%PDF-1.7 restore test report');
    const expected = createHash('sha256').update(content).digest('hex');
    expect(await store.put('tenant-a', content)).toEqual({
      sha256: expected,
      size: content.length,
    });
    expect(await store.put('tenant-a', content)).toEqual({
      sha256: expected,
      size: content.length,
    });
    const file = join(dir, 'tenant-a', expected.slice(0, 2), expected);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'tenant-a', expected.slice(0, 2)))).toEqual([expected]);
    expect((await store.get('tenant-a', expected))?.equals(content)).toBe(true);
    expect(await store.get('tenant-b', expected)).toBeUndefined();
    expect(await store.get('tenant-a', '../../etc/passwd')).toBeUndefined();
  });

  it('refuses a tenant id that could escape its directory', async () => {
    const store = new FilesystemEvidenceContentStore(dir);
    await expect(store.put('../x', Buffer.from('a'))).rejects.toThrow(RangeError);
  });
});

describe('evidence type check', () => {
  it('accepts bytes that match the declared type and refuses those that do not', () => {
    expect(contentMatchesType('application/pdf', Buffer.from('%PDF-1.7'))).toBe(true);
    expect(contentMatchesType('application/pdf', Buffer.from('MZ\x90\x00'))).toBe(false);
    expect(contentMatchesType('text/csv', Buffer.from('control,status\n8.13,ok\n'))).toBe(true);
    expect(contentMatchesType('text/plain', Buffer.from([0x61, 0x00, 0x62]))).toBe(false);
    expect(contentMatchesType('application/json', Buffer.from('{"ok":true}'))).toBe(true);
    expect(contentMatchesType('application/json', Buffer.from('{nope'))).toBe(false);
    expect(
      contentMatchesType(
        'image/png',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      ),
    ).toBe(true);
    expect(contentMatchesType('application/x-msdownload', Buffer.from('MZ'))).toBe(false);
  });
});
