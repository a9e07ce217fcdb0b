import { z } from 'zod';
import {
  customerListQuerySchema,
  customerLookupSchema,
  getCustomerProfile,
  getShopOrder,
  listCustomerOrders,
  listCustomers,
  listOrders,
  lookupCustomer,
  orderListQuerySchema,
} from '../../app/customers.js';
import { type RouteSpec, route } from '../route.js';

const idParams = z.object({ id: z.string().min(1).max(100) });

/** Customers and orders of the key's shop. */
export const customerRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/customers',
    auth: 'secret',
    tag: 'Customers',
    summary: 'List customers, by text (name, phone, e-mail) and/or a segment query, a page at a time.',
    query: customerListQuerySchema,
    handler: ({ ctx, shopId, query }) => listCustomers(ctx, shopId, query),
  }),
  route({
    method: 'GET',
    url: '/api/v1/customers/lookup',
    auth: 'secret',
    tag: 'Customers',
    summary: 'Find the customer holding a phone, an e-mail or an external id (SOURCE:ID).',
    query: customerLookupSchema,
    handler: ({ ctx, shopId, query }) => lookupCustomer(ctx, shopId, query),
  }),
  route({
    method: 'GET',
    url: '/api/v1/customers/:id',
    auth: 'secret',
    tag: 'Customers',
    summary: 'One customer: identities and consent, stats and groups, predictions, segment stays, timeline.',
    params: idParams,
    handler: ({ ctx, shopId, params }) => getCustomerProfile(ctx, shopId, params.id),
  }),
  route({
    method: 'GET',
    url: '/api/v1/customers/:id/orders',
    auth: 'secret',
    tag: 'Customers',
    summary: "A customer's orders, latest first.",
    params: idParams,
    query: orderListQuerySchema.omit({ customer_id: true }),
    handler: ({ ctx, shopId, params, query }) => listCustomerOrders(ctx, shopId, params.id, query),
  }),
  route({
    method: 'GET',
    url: '/api/v1/orders',
    auth: 'secret',
    tag: 'Orders',
    summary: 'List orders, latest first, a page at a time.',
    query: orderListQuerySchema,
    handler: ({ ctx, shopId, query }) => listOrders(ctx, shopId, query),
  }),
  route({
    method: 'GET',
    url: '/api/v1/orders/:id',
    auth: 'secret',
    tag: 'Orders',
    summary: 'One order with its lines.',
    params: idParams,
    handler: ({ ctx, shopId, params }) => getShopOrder(ctx, shopId, params.id),
  }),
];
