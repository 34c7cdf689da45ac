// The theme app extension's Liquid renderer lives with the app (its admin preview renders
// the same Liquid); tests use it from here.
export * from "../../app/storefront/widget-liquid.server";
