import { loadServiceConfig, runService } from '@isms/service-runtime';
import { RiskServiceModule } from './risk-service.module.js';

const config = loadServiceConfig('risk', process.env);
runService(config, RiskServiceModule.forRoot(config)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
