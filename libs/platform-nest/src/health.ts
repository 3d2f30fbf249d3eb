import { Controller, Get, Injectable, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

export interface ComponentHealth {
  readonly status: 'up' | 'down';
  readonly [detail: string]: unknown;
}

export type HealthCheck = () => Promise<ComponentHealth>;

/** Components (event store, bus, read store, projections) register a check at start-up. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(component: string, check: HealthCheck): void {
    this.checks.set(component, check);
  }

  async report(): Promise<{ status: 'up' | 'down'; components: Record<string, ComponentHealth> }> {
    const components: Record<string, ComponentHealth> = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          components[name] = await check();
        } catch (error) {
          components[name] = {
            status: 'down',
            detail: error instanceof Error ? error.message : String(error),
          };
        }
      }),
    );
    const status = Object.values(components).every((c) => c.status === 'up') ? 'up' : 'down';
    return { status, components };
  }
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness of the platform and its components' })
  @ApiOkResponse({ description: 'All components are up (503 when one is down)' })
  async health(@Res({ passthrough: true }) res: Response) {
    const report = await this.registry.report();
    if (report.status !== 'up') res.status(503);
    return report;
  }
}
