import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { MongoReadStore } from '../mongo/mongo-read-store.js';
import type { MongoReadStoreSettings } from '../mongo/mongo-read-store.js';

/** A database of its own on the MongoDB-wire server of the tests, for one spec file. */
export interface MongoTestDatabase {
  /** MONGO_URL, by default the FerretDB 1.24 that `bash tools/infra/up.sh` starts. */
  readonly url: string;
  readonly dbName: string;
  /** Opens a read store in this database; an unreachable server fails with how to start it. */
  connect(settings?: MongoReadStoreSettings): Promise<MongoReadStore>;
  /** Closes every store it opened and drops the database (for `afterAll`). */
  drop(): Promise<void>;
}

export function mongoTestDatabase(namePrefix: string): MongoTestDatabase {
  const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/isms?directConnection=true';
  const dbName = `${namePrefix}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const opened: MongoReadStore[] = [];
  return {
    url,
    dbName,
    async connect(settings = {}) {
      try {
        const store = await MongoReadStore.connect({
          url,
          dbName,
          serverSelectionTimeoutMs: 3_000,
          ...settings,
        });
        opened.push(store);
        return store;
      } catch (error) {
        throw new Error(
          `${(error as Error).message}. Start the local servers with \`bash tools/infra/up.sh\` (or point MONGO_URL at a server).`,
          { cause: error },
        );
      }
    },
    async drop() {
      await Promise.all(opened.map((store) => store.close()));
      const admin = mongoose.createConnection(url, { dbName, serverSelectionTimeoutMS: 3_000 });
      try {
        await admin.asPromise();
        await admin.dropDatabase();
      } finally {
        await admin.close();
      }
    },
  };
}
