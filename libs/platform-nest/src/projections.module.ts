import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.js';
import { ProjectionRegistry } from './projections.js';

/**
 * Application services every context uses: the projection registry (read models, read-your-
 * writes, as-of rebuilds) and the Idempotency-Key interceptor. Needs the port tokens bound by
 * the app's adapters module.
 */
@Global()
@Module({
  providers: [
    ProjectionRegistry,
    { provide: IdempotencyInterceptor, useFactory: () => new IdempotencyInterceptor() },
    { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
  ],
  exports: [ProjectionRegistry],
})
export class ApplicationServicesModule {}
