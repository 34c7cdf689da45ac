import { LoginErrorType, type LoginError } from "@shopify/shopify-app-remix/server";

export type LoginErrorMessage = { shop?: string };

export function loginErrorMessage(loginErrors: LoginError): LoginErrorMessage {
  if (loginErrors?.shop === LoginErrorType.MissingShop)
    return { shop: "Enter your store's domain to log in" };
  if (loginErrors?.shop === LoginErrorType.InvalidShop)
    return { shop: "Enter a valid store domain, like example.myshopify.com" };
  return {};
}
