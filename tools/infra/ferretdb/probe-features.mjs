// Asks a MongoDB-compatible server which features it accepts, to keep read models honest: the
// ReadStore must work on FerretDB 1.24 (no Docker) and on real MongoDB (infra/docker-compose).
//
//   node tools/infra/ferretdb/probe-features.mjs [--url mongodb://…]
//
// Prints one line per feature: "ok" (the server accepted it) or "REJECTED" with the error.
// "ok" only means "accepted": e.g. an index option may be accepted and then ignored.
// Uses (and drops) the collections infra_probe_* of the URL's database.
import mongoose from 'mongoose';

const { MongoClient } = mongoose.mongo;
const i = process.argv.indexOf('--url');
const url =
  i >= 0
    ? process.argv[i + 1]
    : (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/isms?directConnection=true');

const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
await client.connect();
const db = client.db();
const coll = db.collection('infra_probe_docs');
const other = db.collection('infra_probe_other');
await coll.drop().catch(() => undefined);
await other.drop().catch(() => undefined);
await coll.insertMany([
  { _id: 1, g: 'a', n: 1, tags: ['x', 'y'] },
  { _id: 2, g: 'a', n: 3, tags: ['y'] },
  { _id: 3, g: 'b', n: 5, tags: [] },
]);
await other.insertOne({ _id: 1, ref: 1 });

const probes = {
  'aggregate $match/$group($sum)/$sort': () =>
    coll
      .aggregate([
        { $match: { n: { $gt: 0 } } },
        { $group: { _id: '$g', s: { $sum: '$n' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray(),
  'aggregate $unwind/$count': () =>
    coll.aggregate([{ $unwind: '$tags' }, { $count: 'c' }]).toArray(),
  'aggregate $group $avg': () =>
    coll.aggregate([{ $group: { _id: '$g', a: { $avg: '$n' } } }]).toArray(),
  'aggregate $group $push': () =>
    coll.aggregate([{ $group: { _id: '$g', a: { $push: '$n' } } }]).toArray(),
  'aggregate $group $max': () =>
    coll.aggregate([{ $group: { _id: '$g', a: { $max: '$n' } } }]).toArray(),
  'aggregate $lookup': () =>
    coll
      .aggregate([
        { $lookup: { from: 'infra_probe_other', localField: '_id', foreignField: 'ref', as: 'o' } },
      ])
      .toArray(),
  'aggregate $facet': () => coll.aggregate([{ $facet: { all: [{ $match: {} }] } }]).toArray(),
  'find with collation': () =>
    coll.find({ g: 'A' }, { collation: { locale: 'en', strength: 2 } }).toArray(),
  'find $expr': () => coll.find({ $expr: { $gt: ['$n', 2] } }).toArray(),
  'unique index': () => coll.createIndex({ g: 1, n: 1 }, { unique: true }),
  'sparse index': () => coll.createIndex({ s: 1 }, { sparse: true }),
  'TTL index (expireAfterSeconds)': () => coll.createIndex({ at: 1 }, { expireAfterSeconds: 60 }),
  'partial index': () => coll.createIndex({ n: 1 }, { partialFilterExpression: { n: { $gt: 1 } } }),
  'text index': () => coll.createIndex({ g: 'text' }),
  '2dsphere index': () => coll.createIndex({ loc: '2dsphere' }),
  'nested array value': () => coll.insertOne({ _id: 10, m: [[1, 2]] }),
  'key containing a dot': () => coll.insertOne({ _id: 11, 'a.b': 1 }),
  'key starting with $': () => coll.insertOne({ _id: 12, $x: 1 }),
  'transaction (withTransaction)': async () => {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await coll.insertOne({ _id: 20 }, { session });
      });
    } finally {
      await session.endSession();
    }
  },
  'change stream (watch)': async () => {
    const stream = coll.watch([], { maxAwaitTimeMS: 200 });
    try {
      await stream.tryNext();
    } finally {
      await stream.close();
    }
  },
};

for (const [name, probe] of Object.entries(probes)) {
  try {
    await probe();
    console.log(`ok        ${name}`);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    console.log(`REJECTED  ${name}: ${e.message.split('\n')[0].slice(0, 110)}`);
  }
}
await coll.drop().catch(() => undefined);
await other.drop().catch(() => undefined);
await client.close();
