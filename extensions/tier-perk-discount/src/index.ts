// The exports Shopify CLI wires to the targets in shopify.extension.toml.
export * from "./cart_lines_discounts_generate_run";
export * from "./cart_delivery_options_discounts_generate_run";
