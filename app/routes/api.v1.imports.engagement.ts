import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { handleImportRequest } from "~/ingest/imports/endpoint.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleImportRequest(prisma(), request, "engagement");
