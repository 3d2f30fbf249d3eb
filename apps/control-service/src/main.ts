import { loadServiceConfig, runService } from '@isms/service-runtime';
import { ControlServiceModule } from './control-service.module.js';

const config = loadServiceConfig('controls', process.env);
runService(config, ControlServiceModule.forRoot(config)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
