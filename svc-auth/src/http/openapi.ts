import {
  ErrorBodySchema,
  Jwks,
  LoginRequest,
  LogoutRequest,
  RefreshRequest,
  RegisterRequest,
  TokenPair,
  User,
} from "@streamstack/contracts";
import { z } from "zod";

interface Operation {
  method: "get" | "post";
  path: string;
  summary: string;
  bearer?: boolean;
  request?: { schema: z.ZodType; required: boolean };
  ok: { status: number; description: string; schema?: z.ZodType };
  errors: number[];
}

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid body (details lists each problem)",
  401: "Not signed in, or bad credentials / token",
  403: "Forbidden (e.g. registration switched off)",
  409: "Email already taken",
  415: "Body is not application/json",
  429: "Too many failed sign-ins; see Retry-After",
};

/** The Auth section of API.md, as operations: the one source of the OpenAPI document. */
export const AUTH_OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/register",
    summary: "Create a viewer account (if registration is enabled)",
    request: { schema: RegisterRequest, required: true },
    ok: { status: 201, description: "The new account", schema: User },
    errors: [400, 403, 409, 415],
  },
  {
    method: "post",
    path: "/login",
    summary: "Sign in with email and password",
    request: { schema: LoginRequest, required: true },
    ok: { status: 200, description: "Access and refresh token", schema: TokenPair },
    errors: [400, 401, 415, 429],
  },
  {
    method: "post",
    path: "/refresh",
    summary: "Exchange a refresh token for a new pair (rotation; reuse revokes the session)",
    request: { schema: RefreshRequest, required: true },
    ok: { status: 200, description: "New access and refresh token", schema: TokenPair },
    errors: [400, 401, 415],
  },
  {
    method: "post",
    path: "/logout",
    summary: "Revoke this access token (and the refresh token's session, if given) everywhere",
    bearer: true,
    request: { schema: LogoutRequest, required: false },
    ok: { status: 204, description: "Signed out" },
    errors: [400, 401, 415],
  },
  {
    method: "get",
    path: "/me",
    summary: "The signed-in account",
    bearer: true,
    ok: { status: 200, description: "The caller's account", schema: User },
    errors: [401],
  },
  {
    method: "get",
    path: "/jwks.json",
    summary: "Public keys that verify access tokens (RS256)",
    ok: { status: 200, description: "JWKS", schema: Jwks },
    errors: [],
  },
];

const jsonSchema = (schema: z.ZodType, io: "input" | "output") => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
};
const json = (schema: z.ZodType, io: "input" | "output") => ({
  "application/json": { schema: jsonSchema(schema, io) },
});

/** OpenAPI 3.1 document of the auth edge (served at /api/v1/auth/openapi.json). */
export function authOpenApi(basePath: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of AUTH_OPERATIONS) {
    const responses: Record<string, unknown> = {
      [op.ok.status]: {
        description: op.ok.description,
        ...(op.ok.schema && { content: json(op.ok.schema, "output") }),
      },
    };
    for (const status of op.errors) {
      responses[status] = {
        description: ERROR_TEXT[status],
        content: json(ErrorBodySchema, "output"),
      };
    }
    paths[`${basePath}${op.path}`] = {
      ...paths[`${basePath}${op.path}`],
      [op.method]: {
        summary: op.summary,
        ...(op.bearer && { security: [{ bearer: [] }] }),
        ...(op.request && {
          requestBody: { required: op.request.required, content: json(op.request.schema, "input") },
        }),
        responses,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "StreamStack auth",
      version: "1",
      description:
        "Accounts, sign-in and access tokens. Errors: {error: {code, message, details?}}.",
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
