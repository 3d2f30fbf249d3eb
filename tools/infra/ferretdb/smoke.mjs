// Smoke test for the local FerretDB (or any MONGO_URL): insert one document through mongoose,
// find it back, update it, delete it.
//
//   node tools/infra/ferretdb/smoke.mjs [--url mongodb://…]
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';

const i = process.argv.indexOf('--url');
const url =
  i >= 0
    ? process.argv[i + 1]
    : (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/isms?directConnection=true');
const started = Date.now();

const Smoke = mongoose.model(
  'InfraSmoke',
  new mongoose.Schema(
    { _id: String, control: String, status: String, count: Number },
    { collection: 'infra_smoke', versionKey: false },
  ),
);

try {
  await mongoose.connect(url, { serverSelectionTimeoutMS: 5000 });
  const id = randomUUID();
  await Smoke.create({ _id: id, control: 'A.5.1', status: 'draft', count: 1 });
  const found = await Smoke.findOne({ _id: id, control: 'A.5.1' }).lean();
  if (found?.status !== 'draft')
    throw new Error(`inserted document not found: ${JSON.stringify(found)}`);
  await Smoke.updateOne({ _id: id }, { $set: { status: 'approved' }, $inc: { count: 1 } });
  const updated = await Smoke.findById(id).lean();
  if (updated?.status !== 'approved' || updated.count !== 2) {
    throw new Error(`update not visible: ${JSON.stringify(updated)}`);
  }
  await Smoke.deleteOne({ _id: id });
  if ((await Smoke.countDocuments({ _id: id })) !== 0) throw new Error('delete not visible');
  console.log(
    `mongo smoke: insert/find/update/delete through mongoose OK in ${Date.now() - started} ms`,
  );
} catch (error) {
  console.error(`mongo smoke FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await mongoose.disconnect();
}
