import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ApiOperation, apiDocRoutes, openApiDocument } from "./openapi.ts";

const ops: ApiOperation[] = [
  {
    method: "get",
    path: "/{id}",
    summary: "one thing",
    auth: "viewer",
    pathParams: z.object({ id: z.uuid() }),
    query: z.object({ limit: z.coerce.number().default(5), q: z.string().optional() }),
    ok: { status: 200, description: "the thing", schema: z.object({ id: z.string() }) },
    errors: { 404: "no such thing" },
  },
  {
    method: "patch",
    path: "/{id}",
    summary: "edit",
    body: { schema: z.object({ title: z.string() }), required: true },
    ok: { status: 200, description: "edited" },
    errors: {},
  },
];

describe("openApiDocument", () => {
  const doc = openApiDocument({
    title: "T",
    description: "d",
    basePath: "/api/v1/t",
    operations: ops,
  });

  it("lists operations under the base path, merging methods of one path", () => {
    expect(Object.keys(doc.paths)).toEqual(["/api/v1/t/{id}"]);
    expect(Object.keys(doc.paths["/api/v1/t/{id}"] ?? {})).toEqual(["get", "patch"]);
  });

  it("derives parameters, bodies and error answers from the zod schemas", () => {
    // Plain JSON, as a client reads it.
    const { get, patch } = JSON.parse(JSON.stringify(doc)).paths["/api/v1/t/{id}"];
    expect(get.parameters).toEqual([
      {
        name: "id",
        in: "path",
        required: true,
        schema: expect.objectContaining({ format: "uuid" }),
      },
      {
        name: "limit",
        in: "query",
        required: false,
        schema: expect.objectContaining({ default: 5 }),
      },
      { name: "q", in: "query", required: false, schema: { type: "string" } },
    ]);
    expect(get.security).toEqual([{ bearer: [] }]);
    expect(get.responses["404"].content["application/json"].schema.properties.error).toBeDefined();
    expect(patch.requestBody.content["application/json"].schema.required).toEqual(["title"]);
  });

  it("is served with its docs page and script", async () => {
    const app = apiDocRoutes("/api/v1/t", doc);
    expect(await (await app.request("/api/v1/t/openapi.json")).json()).toEqual(doc);
    const page = await (await app.request("/api/v1/t/docs")).text();
    expect(page).toContain('<script src="docs.js"></script>');
    expect(page).not.toMatch(/<script>/);
    const script = await app.request("/api/v1/t/docs.js");
    expect(script.headers.get("content-type")).toMatch(/javascript/);
  });
});
