// The storefront stand-in serves the demo too; the browser tests use it from here.
export * from "../../../scripts/storefront";
