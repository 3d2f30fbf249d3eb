import { loadServiceConfig, runService } from '@isms/service-runtime';
import { AuditServiceModule } from './audit-service.module.js';

const config = loadServiceConfig('audit', process.env);
runService(config, AuditServiceModule.forRoot(config)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
