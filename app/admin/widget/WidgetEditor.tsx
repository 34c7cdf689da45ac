import {
  Banner,
  BlockStack,
  Box,
  Card,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";
import { programFieldErrors } from "~/loyalty/program";
import { widgetAppearanceSchema, type WidgetAppearance } from "~/storefront/widget-appearance";

// The appearance form beside the live preview. The draft is checked as it is typed with the
// same schema the server uses (contrast included); a sound draft is sent for a preview after
// a short pause, so the preview is always the extension's own rendering.

type Props = {
  initial: WidgetAppearance;
  saved: boolean;
  previews: { guest: string; member: string };
  saving: boolean;
  result: { message: string; fieldErrors: Record<string, string> } | null;
  onPreview: (appearance: WidgetAppearance) => void;
  onSave: (appearance: WidgetAppearance) => void;
};

const COLOURS: [keyof WidgetAppearance, string][] = [
  ["accentColor", "Accent (launcher, header, buttons)"],
  ["accentTextColor", "Text on the accent"],
  ["backgroundColor", "Panel background"],
  ["textColor", "Panel text"],
];

function ColourField(props: { label: string; value: string; error?: string; onChange: (v: string) => void }) {
  const valid = /^#[0-9a-fA-F]{6}$/.test(props.value);
  return (
    <TextField
      autoComplete="off"
      label={props.label}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
      maxLength={7}
      monospaced
      connectedRight={
        <input
          type="color"
          aria-label={`${props.label}: pick a colour`}
          value={valid ? props.value.toLowerCase() : "#000000"}
          onChange={(e) => props.onChange(e.currentTarget.value)}
          style={{
            width: 44,
            height: 36,
            padding: 2,
            border: "1px solid #8a8a8a",
            borderRadius: 8,
            background: "#fff",
          }}
        />
      }
    />
  );
}

export function WidgetEditor(props: Props) {
  const [draft, setDraft] = useState<WidgetAppearance>(props.initial);
  const [view, setView] = useState(0);
  const set = <K extends keyof WidgetAppearance>(key: K, value: WidgetAppearance[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const checked = useMemo(() => widgetAppearanceSchema.safeParse(draft), [draft]);
  const errors = {
    ...(props.result?.fieldErrors ?? {}),
    ...(checked.success ? {} : programFieldErrors(checked.error)),
  };
  const { onPreview } = props;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) return void (first.current = false);
    if (!checked.success) return;
    const timer = setTimeout(() => onPreview(checked.data), 350);
    return () => clearTimeout(timer);
  }, [checked, onPreview]);

  return (
    <Page
      title="Storefront widget"
      subtitle="How the loyalty widget looks on your online store"
      primaryAction={{
        content: "Save",
        loading: props.saving,
        disabled: !checked.success,
        onAction: () => checked.success && props.onSave(checked.data),
      }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {!props.saved && (
              <Banner tone="info" title="The widget uses its default look">
                Save once to set your own. Then turn on the Loyalty launcher under App embeds in your theme
                editor.
              </Banner>
            )}
            {props.result?.message && <Banner tone="critical" title={props.result.message} />}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Colours
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    {COLOURS.slice(0, 2).map(([key, label]) => (
                      <ColourField
                        key={key}
                        label={label}
                        value={String(draft[key])}
                        error={errors[key]}
                        onChange={(v) => set(key, v)}
                      />
                    ))}
                  </FormLayout.Group>
                  <FormLayout.Group>
                    {COLOURS.slice(2).map(([key, label]) => (
                      <ColourField
                        key={key}
                        label={label}
                        value={String(draft[key])}
                        error={errors[key]}
                        onChange={(v) => set(key, v)}
                      />
                    ))}
                  </FormLayout.Group>
                </FormLayout>
                <Text as="p" tone="subdued">
                  Text must keep a contrast of at least 4.5:1 with its background (WCAG AA), so every shopper
                  can read it.
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Launcher
                </Text>
                <FormLayout>
                  <TextField
                    autoComplete="off"
                    label="Launcher text"
                    placeholder="Rewards"
                    helpText="Empty: “Rewards” in the shopper's language."
                    value={draft.launcherText}
                    onChange={(v) => set("launcherText", v)}
                    error={errors.launcherText}
                    maxLength={30}
                    showCharacterCount
                  />
                  <FormLayout.Group>
                    <Select
                      label="Icon"
                      options={[
                        { label: "Gift", value: "gift" },
                        { label: "Star", value: "star" },
                        { label: "Heart", value: "heart" },
                        { label: "Crown", value: "crown" },
                        { label: "No icon", value: "none" },
                      ]}
                      value={draft.launcherIcon}
                      onChange={(v) => set("launcherIcon", v as WidgetAppearance["launcherIcon"])}
                    />
                    <Select
                      label="Position"
                      options={[
                        { label: "Bottom right", value: "bottom-right" },
                        { label: "Bottom left", value: "bottom-left" },
                      ]}
                      value={draft.position}
                      onChange={(v) => set("position", v as WidgetAppearance["position"])}
                    />
                  </FormLayout.Group>
                </FormLayout>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  App proxy
                </Text>
                <TextField
                  autoComplete="off"
                  label="Storefront path"
                  helpText="Where your store forwards the widget's requests to this app. Change it only if you changed the app proxy's prefix or subpath in Shopify admin (Apps › Loyalty Optimizer › App proxy)."
                  value={draft.proxyPath}
                  onChange={(v) => set("proxyPath", v)}
                  error={errors.proxyPath}
                  monospaced
                />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card padding="0">
            <Tabs
              tabs={[
                { id: "guest", content: "Guest", panelID: "widget-preview" },
                { id: "member", content: "Member", panelID: "widget-preview" },
              ]}
              selected={view}
              onSelect={setView}
              fitted
            />
            <Box padding="300">
              <BlockStack gap="200">
                <InlineStack align="space-between">
                  <Text as="span" tone="subdued" variant="bodySm">
                    {view === 0 ? "A signed-out shopper" : "An example member, with your live program"}
                  </Text>
                </InlineStack>
                <iframe
                  id="widget-preview"
                  title={`Widget preview: ${view === 0 ? "guest" : "member"}`}
                  sandbox="allow-scripts"
                  srcDoc={view === 0 ? props.previews.guest : props.previews.member}
                  style={{ width: "100%", height: 660, border: "1px solid #e3e3e3", borderRadius: 8 }}
                />
              </BlockStack>
            </Box>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
