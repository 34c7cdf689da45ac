import { SkeletonBodyText } from "@shopify/polaris";
import { Suspense, useEffect, useState, type ReactNode } from "react";

/** Charts render only in the browser; the server sends a placeholder of the same height. */
export function ClientOnly({ height, children }: { height: number; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = (
    <div style={{ height }}>
      <SkeletonBodyText lines={6} />
    </div>
  );
  if (!mounted) return placeholder;
  return <Suspense fallback={placeholder}>{children}</Suspense>;
}
