import { assertNever } from '../../errors.js';
import { groupInfo } from '../analytics/groups-catalog.js';
import { LIFECYCLE_STAGES, type Localized, RFM_GROUPS, VALUE_GROUPS } from '../analytics/types.js';
import { CHANNELS, SOURCES } from '../model/enums.js';
import type { FieldName, ScalarFieldName, SetFieldName } from './ast.js';

/**
 * The field catalog: every per-customer field a segment query can test, with its type, where its
 * data lives and its documentation (docs/segments.md is written from it). The SQL expression each
 * field compiles to is the store's (src/store/segments/field-sql.ts).
 */

/** Value types. `group`: one of a fixed list of names, accepted in Vietnamese or English. */
export type ScalarType = 'integer' | 'number' | 'date' | 'text' | 'group' | 'boolean';

/** A name a group field accepts: its id and its labels; `expands` makes it stand for several ids. */
export interface GroupValue {
  id: string;
  labels: readonly string[];
  expands?: readonly string[];
}

/** Where a field's data lives; the compiler joins only what a query reads. */
export type FieldSource = 'customer' | 'stats' | 'nps' | 'predictions';

export type FieldSection = 'orders' | 'groups' | 'profile' | 'consent' | 'predictions';

interface FieldDoc {
  section: FieldSection;
  doc: Localized;
  /** A condition using the field, for the docs. */
  example: string;
}

export interface ScalarField extends FieldDoc {
  name: ScalarFieldName;
  kind: 'scalar';
  type: ScalarType;
  /** Where the value lives; the SQL expression of each field is in src/store/segments/field-sql.ts. */
  source: FieldSource;
  /** Can be empty (NULL): `IS NULL` finds those customers. */
  nullable: boolean;
  values?: readonly GroupValue[];
}

export interface SetField extends FieldDoc {
  name: SetFieldName;
  kind: 'set';
  /** Fixed values (consent channels), or free text (tags). */
  values?: readonly GroupValue[];
}

export type Field = ScalarField | SetField;

const l = (vi: string, en: string): Localized => ({ vi, en });

function groupValues(model: 'rfm' | 'lifecycle' | 'value', ids: readonly string[]): GroupValue[] {
  return ids.map((id) => {
    const { label } = groupInfo(model, id);
    return { id, labels: [label.vi, label.en] };
  });
}

const FOCUS_GROUPS = VALUE_GROUPS.filter((g) => g.startsWith('focus_'));

const VALUE_GROUP_VALUES: GroupValue[] = [
  ...groupValues('value', VALUE_GROUPS),
  { id: 'focus', labels: [groupInfo('value', 'focus').label.vi, 'Focus'], expands: FOCUS_GROUPS },
];

const CHANNEL_LABELS: Record<(typeof CHANNELS)[number], readonly string[]> = {
  email: ['Email', 'E-mail'],
  sms: ['SMS', 'Tin nhắn'],
  zalo: ['Zalo'],
  messenger: ['Messenger', 'Facebook Messenger'],
};

const scalar = (f: Omit<ScalarField, 'kind'>): ScalarField => ({ kind: 'scalar', ...f });

/** Every field, in the order the docs list them. */
export const FIELDS: readonly Field[] = [
  scalar({
    name: 'number_of_orders',
    type: 'integer',
    source: 'stats',
    nullable: false,
    section: 'orders',
    doc: l(
      'Số đơn hàng hợp lệ (đã thanh toán hoặc đã giao, không hoàn tiền toàn bộ).',
      'Valid orders (paid or delivered, not refunded in full).',
    ),
    example: 'number_of_orders >= 2',
  }),
  scalar({
    name: 'amount_spent',
    type: 'number',
    source: 'stats',
    nullable: false,
    section: 'orders',
    doc: l('Tổng chi tiêu (đơn hợp lệ, trừ tiền hoàn).', 'Total spent on valid orders, net of refunds.'),
    example: 'amount_spent > 5000000',
  }),
  scalar({
    name: 'aov',
    type: 'number',
    source: 'stats',
    nullable: true,
    section: 'orders',
    doc: l(
      'Giá trị đơn trung bình = tổng chi tiêu / số đơn.',
      'Average order value = amount spent / orders.',
    ),
    example: 'aov >= 1000000',
  }),
  scalar({
    name: 'first_order_date',
    type: 'date',
    source: 'stats',
    nullable: true,
    section: 'orders',
    doc: l(
      'Ngày của đơn hợp lệ đầu tiên (theo giờ cửa hàng).',
      "Day of the first valid order (shop's time zone).",
    ),
    example: 'first_order_date >= -4w',
  }),
  scalar({
    name: 'last_order_date',
    type: 'date',
    source: 'stats',
    nullable: true,
    section: 'orders',
    doc: l('Ngày của đơn hợp lệ gần nhất.', 'Day of the latest valid order.'),
    example: 'last_order_date < -90d',
  }),
  scalar({
    name: 'days_since_last_order',
    type: 'integer',
    source: 'stats',
    nullable: true,
    section: 'orders',
    doc: l(
      'Số ngày từ đơn gần nhất đến hôm nay (lịch của cửa hàng).',
      "Days from the latest order to today (shop's calendar).",
    ),
    example: 'days_since_last_order > 365',
  }),
  scalar({
    name: 'average_days_between_orders',
    type: 'number',
    source: 'stats',
    nullable: true,
    section: 'orders',
    doc: l(
      'Số ngày trung bình giữa hai đơn (cần từ 2 đơn).',
      'Average days between orders (needs two orders or more).',
    ),
    example: 'average_days_between_orders <= 30',
  }),
  scalar({
    name: 'rfm_r',
    type: 'integer',
    source: 'stats',
    nullable: true,
    section: 'groups',
    doc: l('Điểm R (gần đây) 1–5.', 'R (recency) score 1–5.'),
    example: 'rfm_r >= 4',
  }),
  scalar({
    name: 'rfm_f',
    type: 'integer',
    source: 'stats',
    nullable: true,
    section: 'groups',
    doc: l('Điểm F (tần suất) 1–5.', 'F (frequency) score 1–5.'),
    example: 'rfm_f = 5',
  }),
  scalar({
    name: 'rfm_m',
    type: 'integer',
    source: 'stats',
    nullable: true,
    section: 'groups',
    doc: l('Điểm M (giá trị) 1–5.', 'M (monetary) score 1–5.'),
    example: 'rfm_m >= 4',
  }),
  scalar({
    name: 'rfm_group',
    type: 'group',
    source: 'stats',
    nullable: true,
    values: groupValues('rfm', RFM_GROUPS),
    section: 'groups',
    doc: l('Nhóm RFM (11 nhóm của Shopify).', "RFM group (Shopify's eleven)."),
    example: "rfm_group IN ('at_risk', 'Sắp mất')",
  }),
  scalar({
    name: 'lifecycle',
    type: 'group',
    source: 'stats',
    nullable: true,
    values: groupValues('lifecycle', LIFECYCLE_STAGES),
    section: 'groups',
    doc: l('Giai đoạn vòng đời (seed 000).', 'Lifecycle stage (seed 000).'),
    example: "lifecycle = 'Khách hàng trung thành'",
  }),
  scalar({
    name: 'value_group',
    type: 'group',
    source: 'stats',
    nullable: true,
    values: VALUE_GROUP_VALUES,
    section: 'groups',
    doc: l(
      'Nhóm theo giá trị và tần suất (seed 001); "focus" gồm 4 nhóm con.',
      'Value × frequency group (seed 001); "focus" stands for its four sub-groups.',
    ),
    example: "value_group = 'Cần lôi kéo'",
  }),
  scalar({
    name: 'referrals',
    type: 'integer',
    source: 'stats',
    nullable: true,
    section: 'groups',
    doc: l('Số khách mà khách này đã giới thiệu.', 'Customers this customer referred.'),
    example: 'referrals >= 1',
  }),
  scalar({
    name: 'nps',
    type: 'integer',
    source: 'nps',
    nullable: true,
    section: 'groups',
    doc: l('Điểm NPS gần nhất (0–10).', 'Latest NPS answer (0–10).'),
    example: 'nps <= 6',
  }),
  scalar({
    name: 'city',
    type: 'text',
    source: 'customer',
    nullable: true,
    section: 'profile',
    doc: l('Thành phố.', 'City.'),
    example: "city CONTAINS 'Hồ Chí Minh'",
  }),
  scalar({
    name: 'source',
    type: 'group',
    source: 'customer',
    nullable: false,
    values: SOURCES.map((id) => ({ id, labels: [] })),
    section: 'profile',
    doc: l(
      'Nguồn khách (shopify, haravan, shopee, lazada, tiktok…).',
      'Source (shopify, haravan, shopee, …).',
    ),
    example: "source IN ('shopee', 'lazada')",
  }),
  scalar({
    name: 'phone',
    type: 'text',
    source: 'customer',
    nullable: true,
    section: 'profile',
    doc: l('Số điện thoại (E.164, +84…).', 'Phone number (E.164, +84…).'),
    example: 'phone IS NOT NULL',
  }),
  scalar({
    name: 'email',
    type: 'text',
    source: 'customer',
    nullable: true,
    section: 'profile',
    doc: l('Địa chỉ e-mail.', 'E-mail address.'),
    example: "email CONTAINS '@gmail.com'",
  }),
  scalar({
    name: 'customer_added_date',
    type: 'date',
    source: 'customer',
    nullable: false,
    section: 'profile',
    doc: l('Ngày khách được tạo trong cửa hàng.', 'Day the customer was added to the shop.'),
    example: 'customer_added_date >= -30d',
  }),
  scalar({
    name: 'referred',
    type: 'boolean',
    source: 'customer',
    nullable: false,
    section: 'profile',
    doc: l('Đến nhờ lời giới thiệu.', 'Came through a referral.'),
    example: 'referred = true',
  }),
  scalar({
    name: 'accepts_email',
    type: 'boolean',
    source: 'customer',
    nullable: true,
    section: 'consent',
    doc: l('Đồng ý nhận e-mail marketing (trống: chưa rõ).', 'Agreed to marketing e-mail (empty: unknown).'),
    example: 'accepts_email = true',
  }),
  scalar({
    name: 'accepts_sms',
    type: 'boolean',
    source: 'customer',
    nullable: true,
    section: 'consent',
    doc: l('Đồng ý nhận SMS.', 'Agreed to SMS.'),
    example: 'accepts_sms = false',
  }),
  scalar({
    name: 'accepts_zalo',
    type: 'boolean',
    source: 'customer',
    nullable: true,
    section: 'consent',
    doc: l('Đồng ý nhận tin Zalo.', 'Agreed to Zalo messages.'),
    example: 'accepts_zalo IS NULL',
  }),
  scalar({
    name: 'accepts_messenger',
    type: 'boolean',
    source: 'customer',
    nullable: true,
    section: 'consent',
    doc: l('Đồng ý nhận tin Messenger.', 'Agreed to Messenger messages.'),
    example: 'accepts_messenger = true',
  }),
  scalar({
    name: 'p_alive',
    type: 'number',
    source: 'predictions',
    nullable: true,
    section: 'predictions',
    doc: l(
      'Xác suất khách còn mua (0–1), từ `nurture predict`.',
      'Probability the customer is still active (0–1).',
    ),
    example: 'p_alive < 0.3',
  }),
  scalar({
    name: 'predicted_clv',
    type: 'number',
    source: 'predictions',
    nullable: true,
    section: 'predictions',
    doc: l('CLV dự đoán.', 'Predicted customer lifetime value.'),
    example: 'predicted_clv > 2000000',
  }),
  scalar({
    name: 'churn_probability',
    type: 'number',
    source: 'predictions',
    nullable: true,
    section: 'predictions',
    doc: l('Xác suất rời bỏ (0–1).', 'Churn probability (0–1).'),
    example: 'churn_probability >= 0.7',
  }),
  scalar({
    name: 'expected_next_order_date',
    type: 'date',
    source: 'predictions',
    nullable: true,
    section: 'predictions',
    doc: l('Ngày dự kiến của đơn tiếp theo.', 'Expected day of the next order.'),
    example: 'expected_next_order_date <= +7d',
  }),
  {
    name: 'tags',
    kind: 'set',
    section: 'profile',
    doc: l('Thẻ của khách (so khớp chính xác).', "The customer's tags (exact match)."),
    example: "tags CONTAINS 'vip'",
  },
  {
    name: 'consent',
    kind: 'set',
    values: CHANNELS.map((id) => ({ id, labels: CHANNEL_LABELS[id] })),
    section: 'consent',
    doc: l(
      'Các kênh khách đồng ý nhận marketing: email, sms, zalo, messenger.',
      'Channels the customer agreed to marketing on: email, sms, zalo, messenger.',
    ),
    example: "consent CONTAINS 'zalo'",
  },
];

const BY_NAME = new Map<string, Field>(FIELDS.map((f) => [f.name, f]));

/** The field of a name (case-insensitive), if there is one. */
export function findField(name: string): Field | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The field definition of a scalar field name (always present: the catalog is complete). */
export function scalarField(name: ScalarFieldName): ScalarField {
  const f = BY_NAME.get(name);
  if (f?.kind !== 'scalar') throw new Error(`no scalar field ${name}`);
  return f;
}

/** Every field name, for suggestions. */
export const FIELD_NAMES: readonly FieldName[] = FIELDS.map((f) => f.name);

/** Human name of a type, for messages. */
export function typeName(type: ScalarType): string {
  switch (type) {
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'date':
      return 'a date';
    case 'text':
      return 'text';
    case 'group':
      return 'a group name';
    case 'boolean':
      return 'true or false';
    default:
      return assertNever(type, 'field type');
  }
}
