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

/** A form field holding JSON, or undefined when it is not JSON. */
export function parseJsonField(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
