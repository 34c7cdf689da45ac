import { SkeletonBodyText } from "@shopify/polaris";
import { Suspense, useEffect, useState, type ReactNode } from "react";

// polaris-viz reads `window` while rendering, so its charts live in *.client.tsx modules,
// lazy-loaded in the browser; the server and the first render show a placeholder of the
// chart's height, so nothing moves when it draws.
export function ClientChart({ height, children }: { height: number; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = (
    <div style={{ height }}>
      <SkeletonBodyText lines={Math.max(1, Math.floor(height / 50))} />
    </div>
  );
  if (!mounted) return placeholder;
  return <Suspense fallback={placeholder}>{children}</Suspense>;
}
