import { SetMetadata, createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemError } from '@isms/platform-nest';
import type { Permission } from '../permissions.js';
import type { Principal } from '../principal.js';

export const ACCESS_METADATA = 'isms:access';
export const AUDITOR_WRITE_METADATA = 'isms:external-auditor-may-write';

/**
 * How a route is protected. Every route must say (deny by default): a route without one of
 * these decorators answers 403 to everyone.
 */
export type AccessRequirement =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'permission'; readonly permission: Permission };

/** No token needed (setup code redemption, health). */
export const Public = () =>
  SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRequirement);

/** Any authenticated principal (e.g. "who am I"). */
export const Authenticated = () =>
  SetMetadata(ACCESS_METADATA, { kind: 'authenticated' } satisfies AccessRequirement);

/**
 * The route needs `permission`. The guard refuses principals who hold it nowhere; the handler
 * then checks it on the actual target with `AccessService.assertCan`.
 */
export const RequirePermission = (permission: Permission) =>
  SetMetadata(ACCESS_METADATA, { kind: 'permission', permission } satisfies AccessRequirement);

/**
 * The one hook through which an external auditor may write: a route that records findings in an
 * engagement their grant covers. Every other write by an external auditor is refused with 403.
 */
export const ExternalAuditorMayWrite = (permission: Extract<Permission, 'audit:finding:raise'>) =>
  SetMetadata(AUDITOR_WRITE_METADATA, permission);

const PRINCIPAL = Symbol.for('isms.auth.principal');
type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

export function attachPrincipal(req: Request, principal: Principal): void {
  (req as WithPrincipal)[PRINCIPAL] = principal;
}

export function principalOf(req: Request): Principal | undefined {
  return (req as WithPrincipal)[PRINCIPAL];
}

/** `@CurrentPrincipal() principal: Principal` — who is calling (set by the AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const principal = principalOf(context.switchToHttp().getRequest<Request>());
  if (!principal) {
    throw new ProblemError(
      401,
      'unauthenticated',
      'Authentication required',
      'Send a bearer token.',
    );
  }
  return principal;
});
