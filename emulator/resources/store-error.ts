/** A request the store cannot honour (unknown shop, dangling reference); the control API answers 4xx. */
export class StoreError extends Error {
  override name = "StoreError";
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
  }
}
