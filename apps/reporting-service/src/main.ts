import { loadServiceConfig, runService } from '@isms/service-runtime';
import { ReportingServiceModule } from './reporting-service.module.js';

const config = loadServiceConfig('reporting', process.env);
runService(config, ReportingServiceModule.forRoot(config)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
