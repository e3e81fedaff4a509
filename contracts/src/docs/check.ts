/**
 * Structural checks of the API documents the platform serves: the rules of OpenAPI 3.1
 * and AsyncAPI 3.0 that a generator can get wrong (required fields, path templates,
 * dangling `$ref`s, security references). Each returns the problems found, empty when
 * the document is sound, so a test can show every problem at once.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every local `$ref` in `node` that does not resolve inside `root`. */
function danglingRefs(root: Json, node: unknown = root, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) danglingRefs(root, n, out);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") {
        const target = value.startsWith("#/")
          ? value
              .slice(2)
              .split("/")
              .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
              .reduce<unknown>((at, p) => (isObject(at) ? at[p] : undefined), root)
          : undefined;
        if (target === undefined) out.push(`$ref ${value} points nowhere`);
      } else danglingRefs(root, value, out);
    }
  }
  return out;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const PATH_ITEM_FIELDS = ["$ref", "summary", "description", "servers", "parameters", ...METHODS];
const PARAMETER_IN = ["query", "header", "path", "cookie"];

/** Problems that make `doc` an invalid OpenAPI 3.1 document. */
export function openApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ["not an object"];
  if (typeof doc.openapi !== "string" || !/^3\.1\.\d+$/.test(doc.openapi))
    problems.push("openapi must be 3.1.x");
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== "string" || typeof info.version !== "string")
    problems.push("info needs title and version");
  if (!doc.paths && !doc.components && !doc.webhooks)
    problems.push("needs paths, components or webhooks");
  const schemes = isObject(doc.components) ? doc.components.securitySchemes : undefined;
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!path.startsWith("/")) problems.push(`path ${path} must start with /`);
    if (!isObject(item)) {
      problems.push(`${path}: not an object`);
      continue;
    }
    for (const field of Object.keys(item))
      if (!PATH_ITEM_FIELDS.includes(field) && !field.startsWith("x-"))
        problems.push(`${path}: unknown field ${field}`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of METHODS.filter((m) => m in item)) {
      const at = `${method.toUpperCase()} ${path}`;
      const op = item[method];
      if (!isObject(op)) {
        problems.push(`${at}: not an object`);
        continue;
      }
      if (typeof op.operationId === "string") {
        if (operationIds.has(op.operationId)) problems.push(`${at}: duplicate operationId`);
        operationIds.add(op.operationId);
      }
      const params = Array.isArray(op.parameters) ? op.parameters : [];
      const seen = new Set<string>();
      for (const p of params) {
        if (!isObject(p) || typeof p.name !== "string" || !PARAMETER_IN.includes(String(p.in))) {
          problems.push(`${at}: a parameter needs name and in (${PARAMETER_IN.join("|")})`);
          continue;
        }
        if (seen.has(`${p.in}:${p.name}`)) problems.push(`${at}: parameter ${p.name} twice`);
        seen.add(`${p.in}:${p.name}`);
        if (!("schema" in p) && !("content" in p)) problems.push(`${at}: ${p.name} needs a schema`);
        if (p.in === "path" && p.required !== true)
          problems.push(`${at}: path parameter ${p.name} must be required`);
        if (p.in === "path" && !templated.includes(p.name))
          problems.push(`${at}: path parameter ${p.name} is not in the path`);
      }
      for (const name of templated)
        if (!seen.has(`path:${name}`)) problems.push(`${at}: {${name}} has no path parameter`);
      if (
        op.requestBody !== undefined &&
        !isObject(isObject(op.requestBody) && op.requestBody.content)
      )
        problems.push(`${at}: requestBody needs content`);
      const responses = op.responses;
      if (!isObject(responses) || Object.keys(responses).length === 0)
        problems.push(`${at}: needs responses`);
      for (const [status, res] of Object.entries(isObject(responses) ? responses : {})) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(status))
          problems.push(`${at}: bad response key ${status}`);
        if (!isObject(res) || (typeof res.description !== "string" && !("$ref" in res)))
          problems.push(`${at} ${status}: needs a description`);
      }
      for (const requirement of Array.isArray(op.security) ? op.security : [])
        for (const name of Object.keys(isObject(requirement) ? requirement : {}))
          if (!isObject(schemes) || !(name in schemes))
            problems.push(`${at}: security scheme ${name} is not defined`);
    }
  }
  return [...problems, ...danglingRefs(doc)];
}

/** Problems that make `doc` an invalid AsyncAPI 3.0 document. */
export function asyncApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ["not an object"];
  if (typeof doc.asyncapi !== "string" || !/^3\.0\.\d+$/.test(doc.asyncapi))
    problems.push("asyncapi must be 3.0.x");
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== "string" || typeof info.version !== "string")
    problems.push("info needs title and version");
  for (const [name, server] of Object.entries(isObject(doc.servers) ? doc.servers : {}))
    if (!isObject(server) || typeof server.host !== "string" || typeof server.protocol !== "string")
      problems.push(`server ${name} needs host and protocol`);
  const channels = isObject(doc.channels) ? doc.channels : {};
  for (const [name, channel] of Object.entries(channels)) {
    if (!/^[A-Za-z0-9.\-_]+$/.test(name)) problems.push(`channel key ${name} is not an identifier`);
    if (!isObject(channel)) problems.push(`channel ${name}: not an object`);
    else if (
      channel.address !== null &&
      channel.address !== undefined &&
      typeof channel.address !== "string"
    )
      problems.push(`channel ${name}: address must be a string or null`);
    else if (typeof channel.address === "string") {
      const params = isObject(channel.parameters) ? channel.parameters : {};
      for (const [, param] of channel.address.matchAll(/\{([^}]+)\}/g))
        if (param && !(param in params))
          problems.push(`channel ${name}: {${param}} in the address has no parameter`);
    }
  }
  for (const [name, op] of Object.entries(isObject(doc.operations) ? doc.operations : {})) {
    if (!isObject(op)) {
      problems.push(`operation ${name}: not an object`);
      continue;
    }
    if (op.action !== "send" && op.action !== "receive")
      problems.push(`operation ${name}: action must be send or receive`);
    const channelRef = isObject(op.channel) ? op.channel.$ref : undefined;
    if (typeof channelRef !== "string" || !channelRef.startsWith("#/channels/"))
      problems.push(`operation ${name}: channel must reference #/channels/…`);
    // 3.0: an operation's messages must be messages of its channel; likewise for its reply.
    const ownMessages = (refs: unknown, channel: unknown, what: string) => {
      for (const m of Array.isArray(refs) ? refs : []) {
        const r = isObject(m) ? m.$ref : undefined;
        if (
          typeof r !== "string" ||
          typeof channel !== "string" ||
          !r.startsWith(`${channel}/messages/`)
        )
          problems.push(
            `operation ${name}: ${what} message ${String(r)} is not one of its channel's`,
          );
      }
    };
    ownMessages(op.messages, channelRef, "its");
    if (op.reply !== undefined) {
      const reply = isObject(op.reply) ? op.reply : {};
      const replyChannel = isObject(reply.channel) ? reply.channel.$ref : undefined;
      if (reply.channel !== undefined && typeof replyChannel !== "string")
        problems.push(`operation ${name}: reply channel must be a $ref`);
      ownMessages(reply.messages, replyChannel, "reply");
    }
  }
  const messages = isObject(doc.components) ? doc.components.messages : undefined;
  for (const [name, message] of Object.entries(isObject(messages) ? messages : {})) {
    if (!isObject(message)) problems.push(`message ${name}: not an object`);
    else if (
      message.headers !== undefined &&
      (!isObject(message.headers) || message.headers.type !== "object")
    )
      problems.push(`message ${name}: headers must be an object schema`);
  }
  return [...problems, ...danglingRefs(doc)];
}
