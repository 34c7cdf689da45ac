import type { Clock } from "./config";
import { AccessTokenRegistry } from "./oauth/tokens";
import { buildCustomer, buildOrder, buildProduct, type IdSequence } from "./resources/build";
import { customerInput, orderInput, productInput, shopInput } from "./resources/inputs";
import type { CustomerInput, OrderInput, ProductInput, ShopInput } from "./resources/inputs";
import type { CustomerRecord, OrderRecord, ProductRecord, ShopRecord } from "./resources/records";
import { gid, shopifyDateTime } from "./resources/records";
import { StoreError } from "./resources/store-error";
import {
  buildCollection,
  collectionInput,
  type CollectionInput,
  type CollectionRecord,
} from "./resources/collections";

export { StoreError };

// The emulator's in-memory world: shops with their customers, orders and products, plus
// the access tokens issued to the app. Nothing persists across restarts, by design.

export type ShopState = {
  shop: ShopRecord;
  customers: Map<number, CustomerRecord>;
  orders: Map<number, OrderRecord>;
  products: Map<number, ProductRecord>;
  collections: Map<number, CollectionRecord>;
  /** Order legacy ids per customer gid, for numberOfOrders and amountSpent. */
  ordersByCustomer: Map<string, Set<number>>;
  nextOrderNumber: number;
};

export class EmulatorStore {
  readonly tokens: AccessTokenRegistry;
  private readonly shops = new Map<string, ShopState>();
  private lastId = 1_000_000;
  private readonly ids: IdSequence = {
    next: () => ++this.lastId,
    claim: (id) => {
      this.lastId = Math.max(this.lastId, id);
    },
  };

  constructor(private readonly now: Clock) {
    this.tokens = new AccessTokenRegistry(now);
  }

  /** Creates the shop, or replaces it (and all its data) when it exists. */
  createShop(input: ShopInput): ShopRecord {
    const parsed = shopInput.parse(input);
    const name = parsed.name ?? parsed.domain.replace(/\.myshopify\.com$/, "");
    const shop: ShopRecord = {
      id: gid("Shop", this.ids.next()),
      domain: parsed.domain,
      name,
      email: parsed.email ?? `owner@${parsed.domain}`,
      currencyCode: parsed.currencyCode,
      ianaTimezone: parsed.ianaTimezone,
      planDisplayName: parsed.planDisplayName,
      createdAt: shopifyDateTime(this.now()),
    };
    this.shops.set(shop.domain, emptyState(shop));
    return shop;
  }

  /** Drops the shop's customers, orders and products; the shop and its tokens stay. */
  resetShop(domain: string): ShopRecord {
    const { shop } = this.requireShop(domain);
    this.shops.set(domain, emptyState(shop));
    return shop;
  }

  listShops(): ShopRecord[] {
    return [...this.shops.values()].map((s) => s.shop);
  }

  findShop(domain: string): ShopState | undefined {
    return this.shops.get(domain);
  }

  requireShop(domain: string): ShopState {
    const state = this.shops.get(domain);
    if (!state) throw new StoreError(`shop ${domain} does not exist`, 404);
    return state;
  }

  addCustomers(domain: string, inputs: CustomerInput[]): CustomerRecord[] {
    const state = this.requireShop(domain);
    const now = shopifyDateTime(this.now());
    return customerInput
      .array()
      .parse(inputs)
      .map((input) => {
        const customer = buildCustomer(input, this.ids, now);
        state.customers.set(customer.legacyId, customer);
        return customer;
      });
  }

  addProducts(domain: string, inputs: ProductInput[]): ProductRecord[] {
    const state = this.requireShop(domain);
    const now = shopifyDateTime(this.now());
    return productInput
      .array()
      .parse(inputs)
      .map((input) => {
        const product = buildProduct(input, this.ids, now, state.shop.currencyCode);
        state.products.set(product.legacyId, product);
        return product;
      });
  }

  /** Adds collections of the shop's products (all or none: an unknown product rejects the batch). */
  addCollections(domain: string, inputs: CollectionInput[]): CollectionRecord[] {
    const state = this.requireShop(domain);
    const built = collectionInput
      .array()
      .parse(inputs)
      .map((input) => buildCollection(input, this.ids, (id) => state.products.has(id)));
    for (const collection of built) state.collections.set(collection.legacyId, collection);
    return built;
  }

  addOrders(domain: string, inputs: OrderInput[]): OrderRecord[] {
    const state = this.requireShop(domain);
    const now = shopifyDateTime(this.now());
    // Build the whole batch first so a dangling reference rejects it without a partial write.
    const orders = orderInput
      .array()
      .parse(inputs)
      .map((input) => buildOrder(input, state, this.ids, now));
    for (const order of orders) {
      const previous = state.orders.get(order.legacyId);
      if (previous?.customerId) state.ordersByCustomer.get(previous.customerId)?.delete(order.legacyId);
      state.orders.set(order.legacyId, order);
      if (order.customerId) {
        const set = state.ordersByCustomer.get(order.customerId) ?? new Set<number>();
        set.add(order.legacyId);
        state.ordersByCustomer.set(order.customerId, set);
      }
    }
    return orders;
  }
}

function emptyState(shop: ShopRecord): ShopState {
  return {
    shop,
    customers: new Map(),
    orders: new Map(),
    products: new Map(),
    collections: new Map(),
    ordersByCustomer: new Map(),
    nextOrderNumber: 1001,
  };
}
