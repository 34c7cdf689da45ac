import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveSmsStatus } from "~/campaigns/sms-webhooks.server";
import { prisma } from "~/db.server";

// Twilio's delivery status callback of campaign SMS (?shop=<domain>), signed by Twilio.
export const action = ({ request }: ActionFunctionArgs) => receiveSmsStatus(prisma(), request);
