import { Global, Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { Clock } from '@isms/event-sourcing';
import { CLOCK } from '@isms/platform-nest';
import { AccessDirectoryService } from './application/access-directory.service.js';
import { AccessLogService } from './application/access-log.service.js';
import { AccessService } from './application/access.service.js';
import { AuditorReadInterceptor } from './application/auditor-read.interceptor.js';
import { AuthGuard, DEFAULT_PUBLIC_PATHS } from './application/auth.guard.js';
import type { AuthOptions } from './application/auth.guard.js';
import { AUTH_OPTIONS, TOKEN_ISSUER, TOKEN_VERIFIER } from './application/di-tokens.js';
import type { TokenAudience } from './tokens.js';
import {
  DEFAULT_TOKEN_AUDIENCE,
  HmacTokenAuthority,
  RememberingTokenVerifier,
  JwksTokenVerifier,
  loadOrCreateSigningSecret,
} from './tokens.js';

/**
 * Where tokens come from:
 * - `embedded`: the platform signs HS256 tokens with a secret kept in `secretFile` (created on
 *   first start) and can issue them (setup code, CLI, `POST /api/auth/tokens`);
 * - `oidc`: RS256 tokens of an OIDC provider, verified against its JWKS; nothing is issued here.
 */
export type TokenAuthorityConfig =
  | ({ readonly kind: 'embedded'; readonly secretFile: string } & Partial<TokenAudience>)
  | ({
      readonly kind: 'oidc';
      readonly jwksUrl: string;
      readonly tenantClaim?: string;
    } & TokenAudience);

export interface AuthModuleOptions {
  readonly tokens: TokenAuthorityConfig;
  /** Path prefixes served without a token; default /health, /metrics, /docs. */
  readonly publicPaths?: readonly string[];
}

/**
 * Authentication and access control for every context: the global guard (deny by default),
 * the access directory, `AccessService` for handlers, and the access log.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const tokens = options.tokens;
    const authority: Provider[] =
      tokens.kind === 'embedded'
        ? [
            {
              provide: HmacTokenAuthority,
              inject: [CLOCK],
              useFactory: (clock: Clock) =>
                new HmacTokenAuthority(
                  loadOrCreateSigningSecret(tokens.secretFile).secret,
                  {
                    issuer: tokens.issuer ?? DEFAULT_TOKEN_AUDIENCE.issuer,
                    audience: tokens.audience ?? DEFAULT_TOKEN_AUDIENCE.audience,
                  },
                  clock,
                ),
            },
            {
              provide: TOKEN_VERIFIER,
              inject: [HmacTokenAuthority, CLOCK],
              useFactory: (authority: HmacTokenAuthority, clock: Clock) =>
                new RememberingTokenVerifier(authority, clock),
            },
            { provide: TOKEN_ISSUER, useExisting: HmacTokenAuthority },
          ]
        : [
            {
              provide: TOKEN_VERIFIER,
              inject: [CLOCK],
              useFactory: (clock: Clock) =>
                new RememberingTokenVerifier(new JwksTokenVerifier({ ...tokens, clock }), clock),
            },
            { provide: TOKEN_ISSUER, useValue: null },
          ];
    const authOptions: AuthOptions = { publicPaths: options.publicPaths ?? DEFAULT_PUBLIC_PATHS };
    return {
      module: AuthModule,
      providers: [
        ...authority,
        { provide: AUTH_OPTIONS, useValue: authOptions },
        AccessDirectoryService,
        AccessLogService,
        AccessService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditorReadInterceptor },
      ],
      exports: [
        AccessService,
        AccessLogService,
        AccessDirectoryService,
        TOKEN_VERIFIER,
        TOKEN_ISSUER,
      ],
    };
  }
}
