import { z } from "zod";
import type { PrismaClient } from "~/db.server";

// The customer data exports that customers/data_request produced, as the merchant sees
// them on the Privacy page. Every query is scoped by the signed-in shop.

export type DataExportSummary = {
  id: string;
  customerId: string | null;
  customerEmail: string | null;
  ordersRequested: string[];
  status: "ready" | "delivered";
  requestedAt: string;
  deliveredAt: string | null;
};

export async function listDataExports(
  db: PrismaClient,
  shop: string,
  limit = 250,
): Promise<DataExportSummary[]> {
  const rows = await db.dataExport.findMany({
    where: { shop },
    orderBy: { requestedAt: "desc" },
    take: limit,
    select: {
      id: true,
      customerId: true,
      customerEmail: true,
      ordersRequested: true,
      status: true,
      requestedAt: true,
      deliveredAt: true,
    },
  });
  return rows.map((row) => ({
    id: row.id,
    customerId: row.customerId?.toString() ?? null,
    customerEmail: row.customerEmail,
    ordersRequested: row.ordersRequested.map(String),
    status: row.status,
    requestedAt: row.requestedAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  }));
}

export type DataExportDownload = { filename: string; json: string };

/**
 * The export as a file, marking it delivered the first time it is downloaded. Another
 * shop's export id, or a malformed one, is simply not found.
 */
export async function downloadDataExport(
  db: PrismaClient,
  shop: string,
  id: string,
  now: () => Date = () => new Date(),
): Promise<DataExportDownload | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const row = await db.dataExport.findFirst({
    where: { id, shop },
    select: { id: true, customerId: true, data: true },
  });
  if (!row) return null;
  await db.dataExport.updateMany({
    where: { id, shop, deliveredAt: null },
    data: { status: "delivered", deliveredAt: now() },
  });
  return {
    filename: `customer-data-${row.customerId?.toString() ?? row.id}.json`,
    json: JSON.stringify(row.data, null, 2),
  };
}
