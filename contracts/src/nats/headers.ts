import { type MsgHdrs, headers as natsHeaders } from "nats";

/** Headers StreamStack carries across NATS. */
export const HEADER = {
  /** `Bearer <access token>` of the user a request is made for. */
  authorization: "Authorization",
  requestId: "X-Request-Id",
  serviceError: "Nats-Service-Error",
  serviceErrorCode: "Nats-Service-Error-Code",
} as const;

export interface CallContext {
  /** The user's access token, when the call is made on a user's behalf. */
  accessToken?: string | undefined;
  requestId?: string | undefined;
}

export function contextHeaders(ctx: CallContext): MsgHdrs {
  const h = natsHeaders();
  if (ctx.accessToken) h.set(HEADER.authorization, `Bearer ${ctx.accessToken}`);
  if (ctx.requestId) h.set(HEADER.requestId, ctx.requestId);
  return h;
}

export function readContext(h: MsgHdrs | undefined): CallContext {
  const auth = h?.get(HEADER.authorization) ?? "";
  const match = /^Bearer (.+)$/.exec(auth);
  return {
    accessToken: match?.[1],
    requestId: h?.get(HEADER.requestId) || undefined,
  };
}
