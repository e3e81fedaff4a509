import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { AppError } from "@streamstack/contracts";
import busboy from "busboy";

export interface FilePart {
  stream: Readable;
  filename: string;
  mimeType: string;
}

export interface UploadForm<T> {
  fields: Record<string, string>;
  /** What `onFile` made of the file part. */
  stored: T;
}

const FIELD_LIMITS = { fields: 8, fieldSize: 64 * 1024, files: 1, parts: 10 } as const;

/**
 * Parses a multipart/form-data request as it arrives (busboy): text fields are
 * collected, the one file part named `file` is handed to `onFile` as a stream, and the
 * result resolves once the form is fully read and `onFile` finished. Fields may come
 * before or after the file; `fieldsSoFar` lets `onFile` fail fast on a bad early title.
 * Any failure (bad form, client gone, onFile refusing) stops reading at once and
 * destroys the file stream, so a half-written S3 upload is aborted by its owner.
 */
export function readUploadForm<T>(
  req: IncomingMessage,
  onFile: (part: FilePart, fieldsSoFar: Readonly<Record<string, string>>) => Promise<T>,
): Promise<UploadForm<T>> {
  return new Promise((resolve, reject) => {
    let form: busboy.Busboy;
    try {
      form = busboy({ headers: req.headers, limits: FIELD_LIMITS });
    } catch (cause) {
      reject(
        new AppError("unsupported_media_type", "send multipart/form-data", undefined, { cause }),
      );
      return;
    }
    const fields: Record<string, string> = {};
    let stored: Promise<T> | undefined;
    let settled = false;

    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(form);
      form.destroy(err instanceof Error ? err : new Error(String(err)));
      reject(err);
    };
    const refuse = (message: string) => fail(new AppError("invalid_request", message));

    form.on("field", (name, value, info) => {
      if (info.valueTruncated) return refuse(`the field "${name}" is too long`);
      fields[name] = value;
    });
    form.on("file", (name, stream, info) => {
      // Destroying the form on a refusal errors the file stream it is in; without a listener
      // that 'error' was uncaught and took the process down (a second file part, a file part
      // under another name, or a refused filename). The accepted stream's own consumer
      // (pipeline) still sees its errors.
      stream.on("error", () => undefined);
      if (name !== "file" || stored) {
        stream.resume();
        return refuse('send exactly one file, in a part named "file"');
      }
      stored = onFile({ stream, filename: info.filename ?? "", mimeType: info.mimeType }, fields);
      stored.catch(fail);
    });
    form.on("filesLimit", () => refuse('send exactly one file, in a part named "file"'));
    form.on("fieldsLimit", () => refuse("too many form fields"));
    form.on("partsLimit", () => refuse("too many form parts"));
    form.on("error", (err) =>
      fail(new AppError("invalid_request", `malformed upload: ${(err as Error).message}`)),
    );
    form.on("close", () => {
      if (settled) return;
      if (!stored) return refuse('the form has no file part named "file"');
      stored.then((value) => {
        if (settled) return;
        settled = true;
        resolve({ fields, stored: value });
      }, fail);
    });
    // A client that goes away mid-body never ends the form: stop here, not at a timeout.
    req.on("close", () => {
      if (!req.complete) fail(new AppError("invalid_request", "the upload was interrupted"));
    });
    req.pipe(form);
  });
}
