import { beforeEach, describe, expect, it } from "vitest";
import { prisma, type Prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { program } from "../../../tests/support/loyalty-fixtures";
import { currentProgramVersion, programAtVersion } from "./program.server";

const db = prisma();
const SHOP = "program-cache.myshopify.com";

// Another process (the admin saving, a reinstall) writes versions this process never saw.
async function writtenElsewhere(version: number, signup: number) {
  const config = program({ version, earning: { bonuses: { signup, birthday: 0, firstOrder: 0 } } });
  await db.programVersion.create({
    data: { shop: SHOP, version, config: config as unknown as Prisma.InputJsonObject },
  });
}

beforeEach(async () => {
  await resetDatabase(db);
});

describe("the parsed-version cache", () => {
  it("never answers a version number reused after the shop's redaction with the old program", async () => {
    await writtenElsewhere(1, 10);
    await writtenElsewhere(2, 20);
    expect((await currentProgramVersion(db, SHOP)).program.earning.bonuses.signup).toBe(20);
    expect((await programAtVersion(db, SHOP, 1))?.earning.bonuses.signup).toBe(10);

    // shop/redact deletes every version; after a reinstall the numbering starts again.
    await db.programVersion.deleteMany({ where: { shop: SHOP } });
    await writtenElsewhere(1, 11);
    await writtenElsewhere(2, 22);
    expect((await currentProgramVersion(db, SHOP)).program.earning.bonuses.signup).toBe(22);
    expect((await programAtVersion(db, SHOP, 1))?.earning.bonuses.signup).toBe(11);
    expect(await programAtVersion(db, SHOP, 3)).toBeNull();
  });
});
