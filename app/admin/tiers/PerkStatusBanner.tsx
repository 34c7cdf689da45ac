import { useFetcher } from "@remix-run/react";
import { Banner } from "@shopify/polaris";
import type { PerkStatus } from "./perks.server";

/** Tier perks at checkout: live, or a warning that stays until they are, with why and a way to fix it. */
export function PerkStatusBanner({ status }: { status: PerkStatus }) {
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  if (!status.hasPerks) return null;
  if (status.live)
    return (
      <Banner tone="success" title="Tier perks are live at checkout">
        <p>Each member gets their tier’s perk automatically. Checkout settings are on the Tier perks page.</p>
      </Banner>
    );
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  return (
    <div data-testid="perks-not-live">
      <Banner
        tone="critical"
        title="Tier perks are not live at checkout"
        action={{
          content: "Update now",
          loading: fetcher.state !== "idle",
          onAction: () => fetcher.submit({ intent: "sync-perks" }, { method: "post" }),
        }}
        secondaryAction={{ content: "Checkout settings", url: "/app/perks" }}
      >
        <p>{failed ?? status.reason}</p>
      </Banner>
    </div>
  );
}
