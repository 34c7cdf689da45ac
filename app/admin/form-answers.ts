import { unstorablePaths } from "~/db/storable-text";

// Answers the admin screens' actions share.

/** A form the page did not send as it builds it (tampered, or from an older page): 400. */
export function unreadableForm() {
  return {
    ok: false as const,
    status: 400 as const,
    message: "The form could not be read; reload the page.",
    fieldErrors: {} as Record<string, string>,
  };
}

/**
 * A form field holding JSON, or undefined when it is not JSON or holds a string PostgreSQL
 * cannot store (an escaped NUL or unpaired surrogate: no page sends one, and written as is it
 * would fail the save with a 500).
 */
export function parseJsonField(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  return unstorablePaths(value).length ? undefined : value;
}
