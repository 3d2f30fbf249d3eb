// Waits until a MongoDB-compatible server (FerretDB here, MongoDB under Docker) answers, within
// a time ceiling. Used by tools/infra/ferretdb.sh (start-up and `status`).
//
//   node tools/infra/ferretdb/ready.mjs [--url mongodb://…] [--timeout-ms 30000] [--pid N]
//
// "Answers" means: `ping` succeeds and `listCollections` on the target database succeeds (for
// FerretDB that second command reaches its PostgreSQL backend). Exit codes: 0 ready (prints
// one summary line), 1 not ready within the ceiling, 3 the process given with --pid died.
import mongoose from 'mongoose';

const { MongoClient } = mongoose.mongo; // the driver mongoose ships with

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const url = option(
  'url',
  process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/isms?directConnection=true',
);
const timeoutMs = Number(option('timeout-ms', '30000'));
const pid = option('pid', undefined);
const deadline = Date.now() + timeoutMs;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function processAlive(p) {
  try {
    process.kill(Number(p), 0);
    return true;
  } catch {
    return false;
  }
}

let lastError = 'no attempt made';
while (Date.now() < deadline) {
  if (pid !== undefined && !processAlive(pid)) {
    console.error(`mongo ready-check: process ${pid} exited before the server became ready`);
    process.exit(3);
  }
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 2000,
    connectTimeoutMS: 2000,
    socketTimeoutMS: 5000,
  });
  try {
    await client.connect();
    const db = client.db(); // the database named in the URL
    await db.command({ ping: 1 });
    await db.listCollections({}, { nameOnly: true }).toArray();
    const info = await db.admin().command({ buildInfo: 1 });
    const flavour = info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : 'MongoDB';
    console.log(`mongo ready: ${flavour} (reports ${info.version}) at ${url}`);
    await client.close().catch(() => undefined);
    process.exit(0);
  } catch (error) {
    lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  await client.close().catch(() => undefined);
  await sleep(500);
}
console.error(`mongo ready-check: ${url} not ready within ${timeoutMs} ms (${lastError})`);
process.exit(1);
