import type { MappingInput } from '../mapping.js';

/**
 * TikTok Shop Seller Center: Orders → Export (CSV, English headers). One row per SKU; rows of one
 * order share "Order ID". Status comes from "Order Status" and "Cancelation/Return Type" (read as the fulfilment state)
 * together.
 */
export const tiktokMapping: MappingInput = {
  name: 'TikTok Shop orders export',
  source: 'tiktok',
  dateFormat: 'dd/MM/yyyy HH:mm:ss',
  columns: {
    'Order ID': 'order.id',
    'Created Time': 'order.createdAt',
    'Paid Time': 'order.paidAt',
    'Cancelled Time': 'order.cancelledAt',
    'Order Status': 'order.status',
    'Cancelation/Return Type': 'order.fulfillmentStatus',
    'Payment Method': 'order.paymentMethod',
    'Shipping Fee After Discount': 'order.shipping',
    Taxes: 'order.taxes',
    'Order Amount': 'order.total',
    'Order Refund Amount': 'order.refunded',
    'Buyer Username': 'customer.id',
    Recipient: 'customer.name',
    'Phone #': 'customer.phone',
    Province: 'customer.province',
    District: 'customer.city',
    Country: 'customer.country',
    'Seller SKU': 'line.sku',
    'Product Name': 'line.title',
    'Product Category': 'line.category',
    Quantity: 'line.quantity',
    'SKU Unit Original Price': 'line.price',
    'SKU Subtotal After Discount': 'line.total',
  },
  status: {
    fields: ['order.status', 'order.fulfillmentStatus'],
    values: {
      'Unpaid / *': 'pending',
      'To ship / *': 'pending',
      'Awaiting shipment / *': 'pending',
      'Awaiting collection / *': 'pending',
      'Shipped / *': 'pending',
      'In transit / *': 'pending',
      'Delivered / Return/Refund': 'returned',
      'Delivered / *': 'delivered',
      'Completed / Return/Refund': 'returned',
      'Completed / Refund only': 'refunded',
      'Completed / *': 'delivered',
      'Cancelled / *': 'cancelled',
      'Canceled / *': 'cancelled',
    },
  },
  paymentMethods: {
    'Cash on delivery': 'cod',
    'Thanh toán khi giao hàng': 'cod',
  },
};
