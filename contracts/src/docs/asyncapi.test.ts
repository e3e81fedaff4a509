import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SUBJECTS } from "../nats/topology.ts";
import { CatalogueEvent } from "../schemas/events.ts";
import { asyncApiDocument } from "./asyncapi.ts";
import { asyncApiProblems } from "./check.ts";
import { ASYNCAPI_FILE, renderAsyncApi } from "./write-asyncapi.ts";

type Json = Record<string, unknown>;
const doc = JSON.parse(JSON.stringify(asyncApiDocument())) as Json & {
  channels: Record<string, Json & { address: string | null; messages: Record<string, Json> }>;
  operations: Record<string, Json & { action: string; channel: Json; messages: Json[] }>;
  components: { messages: Record<string, Json & { payload: Json }> };
};

/** Resolves a local `$ref` (`#/a/b`) in the document; undefined when it points nowhere. */
const resolve = (ref: string): unknown =>
  ref
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);

/** Every `$ref` anywhere in a value. */
const refs = (node: unknown, out: string[] = []): string[] => {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
};

describe("asyncApiDocument", () => {
  it("is what contracts/asyncapi.json holds (run `npm run docs -w contracts` after a change)", () => {
    expect(readFileSync(ASYNCAPI_FILE, "utf8")).toBe(renderAsyncApi());
  });

  it("has the fields AsyncAPI 3.0 requires", () => {
    expect(asyncApiProblems(doc)).toEqual([]);
    expect(doc.asyncapi).toBe("3.0.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    for (const [name, server] of Object.entries(doc.servers as Record<string, Json>)) {
      expect(server, name).toMatchObject({ host: expect.any(String), protocol: "nats" });
    }
    for (const [id, op] of Object.entries(doc.operations)) {
      expect(["send", "receive"], id).toContain(op.action);
      expect(op.channel.$ref, id).toMatch(/^#\/channels\//);
      // An operation's messages must be the messages of its own channel (3.0 rule).
      for (const m of op.messages)
        expect(m.$ref, id).toMatch(new RegExp(`^${op.channel.$ref}/messages/`));
    }
    for (const [id, message] of Object.entries(doc.components.messages)) {
      expect(message.payload, id).toBeTypeOf("object");
      expect(message.payload.$schema, id).toBeUndefined();
    }
    // Keys of channels, operations and components are identifiers, never subjects.
    const keys = [doc.channels, doc.operations, doc.components.messages].flatMap(Object.keys);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9.\-_]+$/);
  });

  it("has no $ref that points nowhere", () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    for (const ref of all) expect(resolve(ref), ref).toBeDefined();
  });

  it("covers every subject the platform publishes or serves", () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);
    expect(addresses).toEqual(
      expect.arrayContaining([
        ...["created", "published", "updated", "failed", "deleted"].map((t) =>
          SUBJECTS.catalogueEvent(`media.${t}`),
        ),
        SUBJECTS.mediaCreate,
        SUBJECTS.mediaGet,
        SUBJECTS.tokenIssue,
        SUBJECTS.processingJob,
        SUBJECTS.processingResult,
        SUBJECTS.tusLockRelease("{upload_id}"),
      ]),
    );
  });

  it("describes each event with the envelope the wire carries", () => {
    const published = doc.components.messages.mediaPublished!;
    const payload = published.payload as { required: string[]; properties: Json };
    expect(payload.required).toEqual(
      expect.arrayContaining(["event_id", "type", "schema_version", "occurred_at", "media"]),
    );
    expect(payload.properties.type).toMatchObject({ const: "media.published" });
    expect(published.headers).toMatchObject({ required: ["Nats-Msg-Id"] });
    const deleted = doc.components.messages.mediaDeleted!.payload as { required: string[] };
    expect(deleted.required).toContain("media_id");
    expect(deleted.required).not.toContain("media");
    // One message per member of the contracts' union, with exactly its fields.
    for (const member of CatalogueEvent.options) {
      const type = member.shape.type.value.replace("media.", "");
      const message = doc.components.messages[`media${type[0]?.toUpperCase()}${type.slice(1)}`];
      const props = (message?.payload as { properties?: Json } | undefined)?.properties ?? {};
      expect(Object.keys(props).sort(), type).toEqual(Object.keys(member.shape).sort());
    }
  });

  it("describes RPC replies, service errors included", () => {
    const serve = doc.operations.serveMediaCreate!;
    expect(serve.action).toBe("receive");
    const reply = serve.reply as { messages: Json[] };
    const kinds = reply.messages.map((m) => String(m.$ref).split("/").pop());
    expect(kinds).toEqual(["mediaCreateResponse", "mediaCreateError"]);
    expect(doc.components.messages.mediaCreateError!.headers).toMatchObject({
      required: ["Nats-Service-Error-Code", "Nats-Service-Error"],
    });
  });
});
