// The links of a message body: plain-text URLs the merchant wrote, each shown as itself
// and sent through the click redirect. Only http(s) URLs are links.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** The URLs in a text, in order of first appearance, each once. */
export function linksOf(text: string): string[] {
  return [...new Set(text.match(URL_PATTERN) ?? [])];
}

/** The text with each URL replaced by `replace(url)` (the same URL twice, the same replacement). */
export function replaceLinks(text: string, replace: (url: string) => string): string {
  return text.replace(URL_PATTERN, (url) => replace(url));
}
