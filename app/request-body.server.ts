import { isStorableText } from "~/db/storable-text";

// One place that reads request bodies, each with a cap checked before and while reading:
// a declared Content-Length over the cap is refused unread, and a body without one (or
// lying about it) is cut off at the first chunk past the cap. Nothing is parsed until the
// whole body is known to fit.

export const BODY_LIMITS = {
  /** Shopify's largest payloads (orders with hundreds of lines) stay far below this. */
  webhook: 10 * 1024 * 1024,
  /** A redemption request is a reward id, a UUID and a number. */
  proxy: 16 * 1024,
  /** The program editor posts the whole program as JSON; a large one is tens of kilobytes. */
  adminForm: 1024 * 1024,
  /** A loyalty app's customer export (app/migration caps the file itself at 9 MB). */
  migrationUpload: 10 * 1024 * 1024,
  /** A signed import request (app/ingest/imports): at most 5,000 reviews or events. */
  importApi: 5 * 1024 * 1024,
  /** The public login form: one shop domain. */
  loginForm: 16 * 1024,
  /** Twilio's form posts (an inbound SMS is at most 1,600 characters, plus a few ids). */
  twilioWebhook: 64 * 1024,
  /** Bounce and complaint reports: at most 500 short JSON objects. */
  campaignFeedback: 256 * 1024,
} as const;

export class PayloadTooLarge extends Error {
  override name = "PayloadTooLarge";
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${formatBytes(limitBytes)}.`);
  }
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`;
}

/** The body's bytes; throws PayloadTooLarge past `limitBytes`. */
export async function readBody(request: Request, limitBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("Content-Length") ?? NaN);
  if (declared > limitBytes) {
    await request.body?.cancel().catch(() => undefined);
    throw new PayloadTooLarge(limitBytes);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export async function readText(request: Request, limitBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBody(request, limitBytes));
}

/**
 * The form of an admin action, read within the admin cap. Past it, throws the 413
 * response Remix sends as is (an action's thrown Response is its answer).
 */
export async function readForm(
  request: Request,
  limitBytes: number = BODY_LIMITS.adminForm,
): Promise<FormData> {
  const body = await readBodyOr413(request, limitBytes);
  const contentType = request.headers.get("Content-Type") ?? "application/x-www-form-urlencoded";
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "Content-Type": contentType } }).formData();
  } catch {
    throw Response.json({ message: "The request body is not a form." }, { status: 400 });
  }
  // NUL is never meant and PostgreSQL refuses it in any text: refused here, for every form,
  // rather than as a failed write wherever the field lands.
  for (const [name, value] of form) {
    if (typeof value === "string" && !isStorableText(value))
      throw Response.json(
        { message: `The field “${name}” holds the character U+0000, which can't be saved.` },
        { status: 422 },
      );
  }
  return form;
}

/**
 * The request with its body read within the cap, for code that reads the body itself
 * (the library's login): past the cap, throws the 413 response.
 */
export async function boundedRequest(request: Request, limitBytes: number): Promise<Request> {
  const body = await readBodyOr413(request, limitBytes);
  return new Request(request.url, { method: request.method, headers: request.headers, body });
}

async function readBodyOr413(request: Request, limitBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await readBody(request, limitBytes);
  } catch (error) {
    if (error instanceof PayloadTooLarge) throw Response.json({ message: error.message }, { status: 413 });
    throw error;
  }
}
