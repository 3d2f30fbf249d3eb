/** DI tokens of the auth module. */
export const TOKEN_VERIFIER = Symbol.for('isms.auth.TokenVerifier');
/** Bound only when the platform issues its own tokens (embedded mode). */
export const TOKEN_ISSUER = Symbol.for('isms.auth.TokenIssuer');
export const AUTH_OPTIONS = Symbol.for('isms.auth.Options');
