import { Form } from "@remix-run/react";
import { BlockStack, Button, FormLayout, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

// The store-domain form for opening the app outside Shopify admin; it posts to the
// library's login path, which sends the merchant to their admin to install or open it.
export function ShopLoginForm({ error }: { error?: string }) {
  const [shop, setShop] = useState("");
  return (
    <Form method="post" action="/auth/login">
      <FormLayout>
        <BlockStack gap="200">
          <Text variant="headingMd" as="h2">
            Log in
          </Text>
          <TextField
            type="text"
            name="shop"
            label="Store domain"
            helpText="example.myshopify.com"
            value={shop}
            onChange={setShop}
            autoComplete="on"
            error={error}
          />
        </BlockStack>
        <Button submit variant="primary">
          Log in
        </Button>
      </FormLayout>
    </Form>
  );
}
