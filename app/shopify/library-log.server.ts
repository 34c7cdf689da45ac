import { LogSeverity } from "@shopify/shopify-api";
import { logger } from "../logger.server";

// The Shopify library's log lines, written through our logger. At Debug the library prints
// the session token it is checking ("Attempting to authenticate session token", and inside
// "Failed to parse session token '…'"): a bearer credential for the shop's admin until it
// expires, so every JWT in a line is masked before the line is written.

const JWT = /\beyJ[\w-]*\.[\w-]*\.[\w-]*/g;

export function maskSessionTokens(message: string): string {
  return message.replace(JWT, "[session token]");
}

export function logLibraryLine(severity: LogSeverity, message: string): void {
  const line = maskSessionTokens(message);
  const log = logger();
  if (severity === LogSeverity.Error) log.error(line);
  else if (severity === LogSeverity.Warning) log.warn(line);
  else if (severity === LogSeverity.Info) log.info(line);
  else log.debug(line);
}
