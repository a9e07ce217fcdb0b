import { readFileSync } from 'node:fs';
import { FIXTURES } from '../server/support.js';

const FIXTURE_LINES = readFileSync(`${FIXTURES}shopify-orders.csv`, 'utf8').split('\n');

/**
 * A small Shopify orders export: four good lines of the fixture (orders #1001–#1003, three orders)
 * and, on line 6, an order created in month 13 (rejected in the "Created at" column).
 */
export const ORDERS_WITH_A_BAD_ROW = [...FIXTURE_LINES.slice(0, 5), FIXTURE_LINES[6], ''].join('\n');
