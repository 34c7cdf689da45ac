import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, InlineError, InlineStack, Text } from "@shopify/polaris";

// Products, variants and collections are chosen with App Bridge's resource picker
// (shopify.resourcePicker), as in Shopify admin, never typed as ids. The picked resource's
// gid and a name to show come back; the caller decides how it stores the id.

export type PickType = "product" | "variant" | "collection";

export interface Picked {
  id: string;
  title: string;
  /** For a variant: its product's gid. */
  productId?: string;
}

const LABEL: Record<PickType, string> = {
  product: "product",
  variant: "product variant",
  collection: "collection",
};

/** The numeric id in a gid (gid://shopify/Product/12 → "12"); other text as it is. */
export const legacyId = (id: string) => /^gid:\/\/shopify\/\w+\/(\d+)$/.exec(id)?.[1] ?? id;

export function ResourcePick(props: {
  label: string;
  type: PickType;
  /** The current id (gid or numeric), or "" when none is chosen. */
  value: string;
  /** What to show for the current id. */
  title: string | null;
  onPick: (picked: Picked) => void;
  error?: string;
}) {
  const shopify = useAppBridge();
  const gidType =
    props.type === "product" ? "Product" : props.type === "variant" ? "ProductVariant" : "Collection";
  const pick = async () => {
    const current = props.value
      ? [{ id: props.value.startsWith("gid://") ? props.value : `gid://shopify/${gidType}/${props.value}` }]
      : [];
    const selection = await shopify.resourcePicker({
      type: props.type,
      action: "select",
      multiple: false,
      selectionIds: current,
    });
    const first = selection?.[0] as
      { id: string; title?: string; displayName?: string; product?: { id?: string } } | undefined;
    if (!first) return;
    props.onPick({
      id: first.id,
      title: first.displayName ?? first.title ?? first.id,
      ...(first.product?.id ? { productId: first.product.id } : {}),
    });
  };
  return (
    <BlockStack gap="100">
      <Text as="span">{props.label}</Text>
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        <Text
          as="span"
          fontWeight={props.value ? "semibold" : "regular"}
          tone={props.value ? undefined : "subdued"}
        >
          {props.value ? (props.title ?? `${LABEL[props.type]} ${legacyId(props.value)}`) : "None chosen"}
        </Text>
        <Button
          onClick={() => void pick()}
          accessibilityLabel={`Choose ${LABEL[props.type]} for ${props.label}`}
        >
          {props.value ? "Change" : `Choose ${LABEL[props.type]}`}
        </Button>
      </InlineStack>
      {props.error ? <InlineError message={props.error} fieldID={`${props.label}-pick`} /> : null}
    </BlockStack>
  );
}
