import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveInboundSms } from "~/campaigns/sms-webhooks.server";
import { prisma } from "~/db.server";

// Twilio's inbound-message webhook (?shop=<domain>): STOP/START keywords, signed by Twilio.
export const action = ({ request }: ActionFunctionArgs) => receiveInboundSms(prisma(), request);
