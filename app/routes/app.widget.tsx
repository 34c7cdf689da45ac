import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import { WidgetEditor } from "~/admin/widget/WidgetEditor";
import { loadWidgetPage, widgetAction } from "~/admin/widget/widget-page.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Storefront widget · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return loadWidgetPage(prisma(), admin.graphql, session.shop, new Date());
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const form = Object.fromEntries(await readForm(request));
  const outcome = await widgetAction(prisma(), admin.graphql, session.shop, form, new Date());
  return data(outcome, { status: outcome.ok ? 200 : outcome.status });
};

export default function WidgetPage() {
  const page = useLoaderData<typeof loader>();
  const save = useFetcher<typeof action>();
  const preview = useFetcher<typeof action>();
  const shopify = useAppBridge();
  useEffect(() => {
    if (save.state === "idle" && save.data?.ok && save.data.saved) shopify.toast.show("Widget saved");
  }, [save.state, save.data, shopify]);
  // The newest preview the server rendered: as typed, else as saved, else as loaded.
  const latest = preview.data?.ok ? preview.data : save.data?.ok ? save.data : null;
  return (
    <WidgetEditor
      initial={page.appearance}
      saved={page.saved}
      previews={latest ? latest.previews : page.previews}
      saving={save.state !== "idle"}
      result={save.data && !save.data.ok ? save.data : preview.data && !preview.data.ok ? preview.data : null}
      onPreview={(appearance) =>
        preview.submit({ intent: "preview", appearance: JSON.stringify(appearance) }, { method: "post" })
      }
      onSave={(appearance) =>
        save.submit({ intent: "save", appearance: JSON.stringify(appearance) }, { method: "post" })
      }
    />
  );
}
