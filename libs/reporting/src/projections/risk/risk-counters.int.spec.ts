import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { MongoReadStore } from '@isms/read-store';
import { checkAgainstEveryRisk, checkRedeliveryAndCrashes } from '../../testing/risk-history.js';

/**
 * The group consolidation's risk counters on the distributed read store: MONGO_URL, by default
 * the FerretDB 1.24 that `bash tools/infra/up.sh` starts, in a database of its own (dropped).
 */
const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/isms?directConnection=true';
const dbName = `isms_rc_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const opened: MongoReadStore[] = [];

async function connect(collectionPrefix: string): Promise<MongoReadStore> {
  try {
    const store = await MongoReadStore.connect({
      url,
      dbName,
      collectionPrefix,
      serverSelectionTimeoutMs: 3_000,
    });
    opened.push(store);
    return store;
  } catch (error) {
    throw new Error(
      `${(error as Error).message}. Start the local servers with \`bash tools/infra/up.sh\` (or point MONGO_URL at a server).`,
      { cause: error },
    );
  }
}

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  const admin = mongoose.createConnection(url, { dbName, serverSelectionTimeoutMS: 3_000 });
  try {
    await admin.asPromise();
    await admin.dropDatabase();
  } finally {
    await admin.close();
  }
}, 30_000);

describe('risk counters on MongoDB/FerretDB', () => {
  it('neither double-counts nor loses a count under redelivery and crashes between writes', async () => {
    let n = 0;
    await checkRedeliveryAndCrashes(() => connect(`run${(n += 1)}_`), { seed: 11, risks: 30 });
  }, 120_000);

  it('gives the same counts and attention lists as counting every risk', async () => {
    await checkAgainstEveryRisk(await connect('cmp_'), { seed: 5, risks: 40, truncated: false });
  }, 120_000);
});
