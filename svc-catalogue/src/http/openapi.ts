import {
  type ApiOperation,
  CatalogueEvent,
  MediaItem,
  MediaList,
  MediaListQuery,
  MediaUpdate,
  openApiDocument,
  StreamTokenAnswer,
  Uuid,
} from "@streamstack/contracts/server";
import { z } from "zod";
import { API_BASE } from "./paths.ts";

const id = z.object({ id: Uuid });
const unauthorized = { 401: "No or invalid access token" };
const admin = { ...unauthorized, 403: "Needs an admin account" };

/** The Catalogue section of API.md, as operations: the source of the OpenAPI document. */
const OPERATIONS: ApiOperation[] = [
  {
    method: "get",
    path: "/",
    summary: "Browse and search, newest first",
    description:
      "Keyset pagination: pass next_cursor as cursor. q matches every word as a prefix of a word in title or description (search-as-you-type); only letters and digits count. Viewers always get published items (status is ignored for them); admins get every status unless they filter.",
    auth: "viewer",
    query: MediaListQuery,
    ok: { status: 200, description: "A page of items", schema: MediaList },
    errors: { 400: "Bad limit, status or cursor", ...unauthorized },
  },
  {
    method: "get",
    path: "/{id}",
    summary: "One media item",
    auth: "viewer",
    pathParams: id,
    ok: { status: 200, description: "The item", schema: MediaItem },
    errors: { ...unauthorized, 404: "Unknown, or not visible to the caller" },
  },
  {
    method: "patch",
    path: "/{id}",
    summary: "Edit title and/or description",
    auth: "admin",
    pathParams: id,
    body: { schema: MediaUpdate, required: true },
    ok: { status: 200, description: "The edited item", schema: MediaItem },
    errors: { 400: "Invalid body", ...admin, 404: "Unknown item", 415: "Not JSON" },
  },
  {
    method: "delete",
    path: "/{id}",
    summary: "Delete; media and thumbnail objects are removed asynchronously",
    auth: "admin",
    pathParams: id,
    ok: { status: 204, description: "Deleted (media.deleted is published)" },
    errors: { ...admin, 404: "Unknown item" },
  },
  {
    method: "post",
    path: "/{id}/stream-token",
    summary: "A stream URL for a published item (valid 1 h)",
    auth: "viewer",
    pathParams: id,
    ok: { status: 200, description: "Where to stream from", schema: StreamTokenAnswer },
    errors: {
      ...unauthorized,
      404: "Unknown, or not visible to the caller",
      409: "Not published (yet)",
      503: "Streaming is unavailable",
      504: "Streaming did not answer in time",
    },
  },
  {
    method: "get",
    path: "/events",
    summary: "Catalogue events as Server-Sent Events",
    description:
      "Authorization header only (read with fetch(); EventSource cannot send headers). Each event: id = stream sequence, event = type, data = CatalogueEvent JSON; comment heartbeats every 15 s. Send Last-Event-ID to resume (up to 1000 events back).",
    auth: "admin",
    ok: {
      status: 200,
      description: "An endless event stream",
      schema: CatalogueEvent,
      contentType: "text/event-stream",
    },
    errors: admin,
  },
  {
    method: "get",
    path: "/asyncapi.json",
    summary: "AsyncAPI 3.0 document of the platform's NATS subjects and event payloads",
    description:
      "For integrators of catalogue.events.> (stream CATALOGUE_EVENTS); generated from the same zod schemas the services validate with.",
    ok: { status: 200, description: "The AsyncAPI document" },
    errors: {},
  },
];

export const catalogueOpenApi = () =>
  openApiDocument({
    title: "StreamStack catalogue",
    description:
      "Media items: browse, search, edit, delete, stream tokens, live events. Errors: {error: {code, message, details?}}.",
    basePath: API_BASE,
    operations: OPERATIONS,
  });
