import {
  type ApiOperation,
  Jwks,
  LoginRequest,
  LogoutRequest,
  openApiDocument,
  RefreshRequest,
  RegisterRequest,
  TokenPair,
  User,
} from "@streamstack/contracts/server";

const invalid = {
  400: "Invalid body (details lists each problem)",
  415: "Body is not application/json",
};
const unauthorized = { 401: "No, invalid, expired or revoked access token" };

/** The Auth section of API.md, as operations: the one source of the OpenAPI document. */
export const AUTH_OPERATIONS: ApiOperation[] = [
  {
    method: "post",
    path: "/register",
    summary: "Create a viewer account (if registration is enabled)",
    body: { schema: RegisterRequest, required: true },
    ok: { status: 201, description: "The new account", schema: User },
    errors: { ...invalid, 403: "Registration is switched off", 409: "Email already taken" },
  },
  {
    method: "post",
    path: "/login",
    summary: "Sign in with email and password",
    body: { schema: LoginRequest, required: true },
    ok: { status: 200, description: "Access and refresh token", schema: TokenPair },
    errors: {
      ...invalid,
      401: "Bad credentials (same answer for an unknown email and a wrong password)",
      429: "Too many failed sign-ins; see Retry-After",
    },
  },
  {
    method: "post",
    path: "/refresh",
    summary: "Exchange a refresh token for a new pair (rotation; reuse revokes the session)",
    body: { schema: RefreshRequest, required: true },
    ok: { status: 200, description: "New access and refresh token", schema: TokenPair },
    errors: { ...invalid, 401: "Unknown, expired or already used refresh token" },
  },
  {
    method: "post",
    path: "/logout",
    summary: "Revoke this access token (and the refresh token's session, if given) everywhere",
    auth: "viewer",
    body: { schema: LogoutRequest, required: false },
    ok: { status: 204, description: "Signed out" },
    errors: { ...invalid, ...unauthorized },
  },
  {
    method: "get",
    path: "/me",
    summary: "The signed-in account",
    auth: "viewer",
    ok: { status: 200, description: "The caller's account", schema: User },
    errors: unauthorized,
  },
  {
    method: "get",
    path: "/jwks.json",
    summary: "Public keys that verify access tokens (RS256)",
    ok: { status: 200, description: "JWKS", schema: Jwks },
    errors: {},
  },
];

/** OpenAPI 3.1 document of the auth edge (served at /api/v1/auth/openapi.json). */
export const authOpenApi = (basePath: string) =>
  openApiDocument({
    title: "StreamStack auth",
    description: "Accounts, sign-in and access tokens. Errors: {error: {code, message, details?}}.",
    basePath,
    operations: AUTH_OPERATIONS,
  });
