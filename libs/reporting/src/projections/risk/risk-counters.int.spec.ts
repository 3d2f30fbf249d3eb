import { mongoTestDatabase } from '@isms/read-store/testing';
import { checkAgainstEveryRisk, checkRedeliveryAndCrashes } from '../../testing/risk-history.js';

/**
 * The group consolidation's risk counters on the distributed read store: MONGO_URL, by default
 * the FerretDB 1.24 that `bash tools/infra/up.sh` starts, in a database of its own (dropped).
 */
const database = mongoTestDatabase('isms_rc_test_');
const connect = (collectionPrefix: string) => database.connect({ collectionPrefix });

afterAll(() => database.drop(), 30_000);

describe('risk counters on MongoDB/FerretDB', () => {
  it('neither double-counts nor loses a count under redelivery and crashes between writes', async () => {
    let n = 0;
    await checkRedeliveryAndCrashes(() => connect(`run${(n += 1)}_`), { seed: 11, risks: 30 });
  }, 120_000);

  it('gives the same counts and attention lists as counting every risk', async () => {
    await checkAgainstEveryRisk(await connect('cmp_'), { seed: 5, risks: 40, truncated: false });
  }, 120_000);
});
