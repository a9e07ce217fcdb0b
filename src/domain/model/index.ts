export * from './customer.js';
export * from './enums.js';
export * from './event.js';
export * from './feedback.js';
export * from './money.js';
export * from './order.js';
export * from './product.js';
export * from './shop.js';
