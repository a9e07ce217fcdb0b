import type { MappingInput } from '../mapping.js';

/**
 * Lazada Seller Center: Orders → Export (English headers). One row per unit sold (no quantity
 * column: each row counts 1); rows of one order share `orderNumber`. `unitPrice` is the price
 * before vouchers and `paidPrice` after, so the order total is the sum of the lines plus shipping.
 */
export const lazadaMapping: MappingInput = {
  name: 'Lazada orders export',
  source: 'lazada',
  dateFormat: 'dd MMM yyyy HH:mm',
  columns: {
    orderNumber: 'order.id',
    createTime: 'order.createdAt',
    status: 'order.status',
    payMethod: 'order.paymentMethod',
    shippingFee: 'order.shipping',
    refundAmount: 'order.refunded',
    customerEmail: 'customer.email',
    shippingPhone: 'customer.phone',
    billingPhone: 'customer.phone',
    customerName: 'customer.name',
    shippingCity: 'customer.city',
    shippingRegion: 'customer.province',
    shippingCountry: 'customer.country',
    sellerSku: 'line.sku',
    itemName: 'line.title',
    unitPrice: 'line.price',
  },
  status: {
    values: {
      unpaid: 'pending',
      pending: 'pending',
      packed: 'pending',
      ready_to_ship: 'pending',
      repacked: 'pending',
      shipped: 'pending',
      delivered: 'delivered',
      confirmed: 'delivered',
      canceled: 'cancelled',
      cancelled: 'cancelled',
      returned: 'returned',
      failed: 'failed_delivery',
      failed_delivery: 'failed_delivery',
      lost_by_3pl: 'failed_delivery',
      damaged_by_3pl: 'failed_delivery',
    },
  },
  paymentMethods: {
    COD: 'cod',
    CashOnDelivery: 'cod',
  },
};
