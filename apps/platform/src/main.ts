import { createJsonLogger, JsonNestLogger } from '@isms/platform-nest';
import { createPlatformApp } from './app.js';
import { loadPlatformConfig } from './config.js';

async function bootstrap(): Promise<void> {
  const config = loadPlatformConfig(process.env);
  const log = createJsonLogger({ level: config.logLevel, name: 'isms-ledger-platform' });
  const app = await createPlatformApp(config, new JsonNestLogger(log));
  await app.listen(config.port, config.host);
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  log.info(
    { url: base, dataDir: config.dataDir },
    `ISMS Ledger is up: ${base}/health, API docs at ${base}/docs, metrics at ${base}/metrics`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
