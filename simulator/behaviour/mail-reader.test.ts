import { describe, expect, it } from "vitest";
import { MailReader, messageLinks, type ReceivedMessage } from "./mail-reader";

const APP = "https://app.example";

describe("messageLinks", () => {
  it("loads the app's images and follows its first link that is not the unsubscribe link", () => {
    const html = `
      <img src="https://cdn.other.example/logo.png">
      <a href="${APP}/unsubscribe?t=abc">Unsubscribe</a>
      <a href="https://elsewhere.example/x">Elsewhere</a>
      <a href="${APP}/c/tok?u=1&amp;v=2">Shop now</a>
      <img width="1" height="1" src='${APP}/o/pixel.gif'>
      <img src="${APP}/o/pixel.gif">`;
    expect(messageLinks(html, APP)).toEqual({
      images: [`${APP}/o/pixel.gif`],
      click: `${APP}/c/tok?u=1&v=2`,
    });
  });

  it("has nothing to follow without HTML, or with only other sites' and unsubscribe links", () => {
    expect(messageLinks(null, APP)).toEqual({ images: [], click: null });
    expect(messageLinks(`<a href="${APP}/unsubscribe">x</a><a href="not a url">y</a>`, APP)).toEqual({
      images: [],
      click: null,
    });
  });
});

describe("MailReader", () => {
  it("hands out each message once, in arrival order", () => {
    const box: ReceivedMessage[] = [];
    const add = (id: number) => box.push({ id, to: [`c${id}@example.com`], subject: `m${id}`, html: null });
    const reader = new MailReader(() => box);
    expect(reader.next()).toEqual([]);
    add(1);
    add(2);
    expect(reader.next().map((m) => m.id)).toEqual([1, 2]);
    expect(reader.next()).toEqual([]);
    // The catcher drops its oldest messages past its bound: ids keep counting.
    box.splice(0, 2);
    add(3);
    expect(reader.next().map((m) => m.id)).toEqual([3]);
  });
});
