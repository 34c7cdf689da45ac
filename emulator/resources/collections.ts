import { z } from "zod";
import type { IdSequence } from "./build";
import { resolveId, slug } from "./build";
import { gid, legacyIdOf } from "./records";
import { StoreError } from "./store-error";

// Collections: a title and the products in it (what the admin's resource picker lists and
// what a collection rule matches). The emulator holds manual collections only.

export const collectionInput = z.object({
  id: z.union([z.number().int().positive(), z.string().min(1)]).optional(),
  title: z.string().min(1),
  handle: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  productIds: z.array(z.union([z.number().int().positive(), z.string().min(1)])).default([]),
});
export type CollectionInput = z.input<typeof collectionInput>;

export type CollectionRecord = {
  legacyId: number;
  id: string;
  title: string;
  handle: string;
  productIds: number[];
};

export function buildCollection(
  input: z.output<typeof collectionInput>,
  ids: IdSequence,
  hasProduct: (legacyId: number) => boolean,
): CollectionRecord {
  const legacyId = resolveId("Collection", input.id, ids);
  const productIds = input.productIds.map((p) => {
    const id = legacyIdOf("Product", p);
    if (id === null || !hasProduct(id)) throw new StoreError(`collection "${input.title}": no product ${p}`);
    return id;
  });
  return {
    legacyId,
    id: gid("Collection", legacyId),
    title: input.title,
    handle: input.handle ?? slug(input.title),
    productIds,
  };
}
