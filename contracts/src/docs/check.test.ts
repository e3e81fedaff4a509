import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asyncApiDocument } from "./asyncapi.ts";
import { asyncApiProblems, openApiProblems } from "./check.ts";
import { openApiDocument } from "./openapi.ts";

const sound = () =>
  JSON.parse(
    JSON.stringify(
      openApiDocument({
        title: "T",
        description: "d",
        basePath: "/api/v1/t",
        operations: [
          {
            method: "get",
            path: "/{id}",
            summary: "one",
            auth: "viewer",
            pathParams: z.object({ id: z.uuid() }),
            headers: z.object({ Range: z.string().optional() }),
            ok: { status: 200, description: "bytes", contentType: "video/mp4" },
            also: [{ status: 206, description: "part", contentType: "video/mp4" }],
            errors: { 404: "none" },
          },
        ],
      }),
    ),
  );

describe("openApiProblems", () => {
  it("accepts a generated document", () => {
    expect(openApiProblems(sound())).toEqual([]);
  });

  it("finds what a generator can get wrong", () => {
    const doc = sound();
    doc.openapi = "3.0.3";
    const op = doc.paths["/api/v1/t/{id}"].get;
    op.parameters = op.parameters.filter((p: { in: string }) => p.in !== "path");
    op.security = [{ cookie: [] }];
    op.responses["2xx"] = { description: "bad key" };
    delete op.responses["404"].description;
    op.responses["200"].content["video/mp4"] = { schema: { $ref: "#/components/schemas/Nope" } };
    expect(openApiProblems(doc)).toEqual([
      "openapi must be 3.1.x",
      "GET /api/v1/t/{id}: {id} has no path parameter",
      "GET /api/v1/t/{id} 404: needs a description",
      "GET /api/v1/t/{id}: bad response key 2xx",
      "GET /api/v1/t/{id}: security scheme cookie is not defined",
      "$ref #/components/schemas/Nope points nowhere",
    ]);
  });
});

describe("asyncApiProblems", () => {
  it("finds a foreign message, a bad action and a subject as a key", () => {
    const doc = JSON.parse(JSON.stringify(asyncApiDocument()));
    expect(asyncApiProblems(doc)).toEqual([]);
    doc.operations.publishMediaCreated.action = "publish";
    doc.operations.publishMediaCreated.messages = [
      { $ref: "#/channels/mediaUpdated/messages/mediaUpdated" },
    ];
    doc.channels["catalogue.events.>"] = { address: "catalogue.events.>" };
    delete doc.components.messages.mediaGetError;
    delete doc.channels.tusLockRelease.parameters;
    expect(asyncApiProblems(doc)).toEqual([
      "channel tusLockRelease: {upload_id} in the address has no parameter",
      "channel key catalogue.events.> is not an identifier",
      "operation publishMediaCreated: action must be send or receive",
      "operation publishMediaCreated: its message #/channels/mediaUpdated/messages/mediaUpdated is not one of its channel's",
      "$ref #/components/messages/mediaGetError points nowhere",
    ]);
  });
});
