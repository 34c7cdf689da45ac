import { describe, expect, it } from "vitest";
import { readForm } from "./request-body.server";

const post = (body: string, contentType = "application/x-www-form-urlencoded") =>
  new Request("https://app.test/app/x", { method: "POST", headers: { "Content-Type": contentType }, body });

async function refusal(run: () => Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await run();
  } catch (thrown) {
    if (thrown instanceof Response)
      return { status: thrown.status, message: ((await thrown.json()) as { message: string }).message };
    throw thrown;
  }
  throw new Error("not refused");
}

describe("readForm", () => {
  it("reads a form within the cap", async () => {
    const form = await readForm(post("note=Spring+launch&basedOn=3"));
    expect(form.get("note")).toBe("Spring launch");
    expect(form.get("basedOn")).toBe("3");
  });

  it("answers a body past the cap with 413, unread", async () => {
    expect((await refusal(() => readForm(post("note=" + "x".repeat(100)), 50))).status).toBe(413);
  });

  it("answers a field holding NUL with 422 naming it, whatever the encoding", async () => {
    const urlEncoded = await refusal(() => readForm(post("basedOn=3&note=a%00b")));
    expect(urlEncoded).toEqual({
      status: 422,
      message: "The field “note” holds the character U+0000, which can't be saved.",
    });
    const multipart = new FormData();
    multipart.set("reason", "late\u0000parcel");
    const request = new Request("https://app.test/app/x", { method: "POST", body: multipart });
    expect((await refusal(() => readForm(request))).status).toBe(422);
  });
});
