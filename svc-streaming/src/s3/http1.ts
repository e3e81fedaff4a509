/**
 * The few pieces of HTTP/1.1 the S3 connection needs (RFC 9112): a GET request head
 * and a response head. Pure, so the framing rules are tested without sockets.
 */
export interface ResponseHead {
  status: number;
  /** Lower-case names; a repeated header keeps its first value. */
  headers: Record<string, string>;
  /** Body length; undefined when the body runs until the connection closes. */
  bodyLength: number | undefined;
  /** False when either side must close after this response. */
  reusable: boolean;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

/** Index just past the blank line that ends a response head, or -1 while incomplete. */
export function headEnd(bytes: Buffer): number {
  const at = bytes.indexOf(CRLFCRLF);
  return at < 0 ? -1 : at + 4;
}

export class MalformedResponse extends Error {
  override readonly name = "MalformedResponse";
}

const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/;

/** Parses a response head (status line and fields, without the blank line). */
export function parseResponseHead(text: string, requestMethod = "GET"): ResponseHead {
  const lines = text.split("\r\n");
  const status = STATUS_LINE.exec(lines[0] ?? "");
  if (!status) throw new MalformedResponse(`not an HTTP/1.x status line: ${lines[0]}`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new MalformedResponse(`bad header line: ${line}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  const code = Number(status[2]);
  const connection = (headers.connection ?? "").toLowerCase();
  let reusable = status[1] === "1" ? connection !== "close" : connection === "keep-alive";
  let bodyLength: number | undefined;
  if (requestMethod === "HEAD" || code === 204 || code === 304 || code < 200) {
    bodyLength = 0;
  } else if (headers["transfer-encoding"] !== undefined) {
    // S3 frames object bodies by length; anything else is read to the end of the connection.
    throw new MalformedResponse(`unsupported transfer-encoding: ${headers["transfer-encoding"]}`);
  } else if (headers["content-length"] !== undefined) {
    if (!/^\d+$/.test(headers["content-length"])) {
      throw new MalformedResponse(`bad content-length: ${headers["content-length"]}`);
    }
    bodyLength = Number(headers["content-length"]);
  } else {
    reusable = false;
  }
  return { status: code, headers, bodyLength, reusable };
}

/** A GET request head; header values must not contain CR or LF. */
export function getRequestHead(path: string, host: string, headers: [string, string][]): string {
  let head = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [name, value] of headers) {
    if (/[\r\n]/.test(value)) throw new TypeError(`header ${name} holds a line break`);
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}
