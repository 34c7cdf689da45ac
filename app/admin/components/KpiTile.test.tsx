import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { KpiTile } from "./KpiTile";

const render = (tile: React.ReactElement) =>
  renderToStaticMarkup(<AppProvider i18n={en}>{tile}</AppProvider>);

describe("KpiTile", () => {
  it("marks the figure with data-kpi and its label unless told otherwise", () => {
    const html = render(<KpiTile label="Members" value="1,204" note="12 joined" />);
    expect(html).toContain('<span data-kpi="Members">1,204</span>');
    expect(html).toContain("12 joined");
  });

  it("carries the marker it is given, and no note when there is none", () => {
    const html = render(
      <KpiTile label="Available" value="40" marker={{ "data-testid": "available-points" }} />,
    );
    expect(html).toContain('<span data-testid="available-points">40</span>');
    expect(html).not.toContain("data-kpi");
    expect(html).not.toMatch(/<p[^>]*>\s*<\/p>/);
  });

  it("shows a small figure in a span and a large one in a paragraph", () => {
    const small = render(
      <KpiTile size="small" label="Orders" value="9" marker={{ "data-backfill-count": "Orders" }} />,
    );
    const large = render(<KpiTile label="Orders" value="9" />);
    expect(small).toMatch(/<span[^>]*><span data-backfill-count="Orders">9<\/span><\/span>/);
    expect(large).toMatch(/<p[^>]*><span data-kpi="Orders">9<\/span><\/p>/);
  });
});
