/**
 * Vietnamese identities for the demo shop: names with their real frequencies, cities weighted by
 * their share of online orders, mobile numbers on real carrier prefixes written the messy ways
 * shops receive them, and e-mail addresses derived from the name without diacritics.
 */
import { chance, intBetween, pickOne, type Rng, WeightedPicker } from './random.js';

/** Family names with their approximate share of the population (Nguyễn ≈ 38%). */
const FAMILY_NAMES = new WeightedPicker<string>([
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7.1],
  ['Hoàng', 3.0],
  ['Huỳnh', 2.1],
  ['Phan', 4.5],
  ['Vũ', 2.0],
  ['Võ', 1.9],
  ['Đặng', 2.1],
  ['Bùi', 2.0],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1.0],
  ['Lý', 0.5],
]);

const FEMALE_MIDDLE = [
  'Thị',
  'Thị',
  'Thị',
  'Ngọc',
  'Thu',
  'Thanh',
  'Minh',
  'Bảo',
  'Phương',
  'Hoài',
  'Mỹ',
  'Khánh',
];
const MALE_MIDDLE = [
  'Văn',
  'Văn',
  'Đức',
  'Minh',
  'Quang',
  'Hữu',
  'Công',
  'Thành',
  'Hoàng',
  'Anh',
  'Gia',
  'Tuấn',
];
const FEMALE_GIVEN = [
  'Hương',
  'Lan',
  'Linh',
  'Trang',
  'Hằng',
  'Ngọc',
  'Thảo',
  'Hoa',
  'Mai',
  'Phương',
  'Hạnh',
  'Nhung',
  'Huyền',
  'Yến',
  'Vy',
  'Anh',
  'Thu',
  'Hà',
  'My',
  'Nhi',
  'Hồng',
  'Quỳnh',
];
const MALE_GIVEN = [
  'Anh',
  'Minh',
  'Hùng',
  'Dũng',
  'Tuấn',
  'Hải',
  'Nam',
  'Long',
  'Huy',
  'Phúc',
  'Khoa',
  'Đức',
  'Quân',
  'Thắng',
  'Sơn',
  'Bảo',
  'Trung',
  'Việt',
  'Hiếu',
  'Tài',
  'Khánh',
  'Tùng',
];

/** A city (or province) a customer ships to. */
export interface DemoCity {
  city: string;
  province: string;
  /** ISO 3166-2:VN subdivision code without the `VN-` prefix. */
  provinceCode: string;
  zip: string;
  districts: readonly string[];
  /** Delivery takes longer outside the two big cities. */
  deliveryDays: readonly [number, number];
}

const city = (
  name: string,
  province: string,
  provinceCode: string,
  zip: string,
  districts: string[],
  deliveryDays: [number, number] = [2, 4],
): DemoCity => ({ city: name, province, provinceCode, zip, districts, deliveryDays });

/** Cities weighted by their rough share of e-commerce orders in Vietnam. */
export const DEMO_CITIES = new WeightedPicker<DemoCity>([
  [
    city(
      'TP. Hồ Chí Minh',
      'Hồ Chí Minh',
      'SG',
      '700000',
      ['Quận 1', 'Quận 3', 'Quận 7', 'Quận Bình Thạnh', 'Quận Tân Bình', 'Quận Gò Vấp', 'TP. Thủ Đức'],
      [1, 2],
    ),
    32,
  ],
  [
    city(
      'Hà Nội',
      'Hà Nội',
      'HN',
      '100000',
      [
        'Quận Cầu Giấy',
        'Quận Đống Đa',
        'Quận Hai Bà Trưng',
        'Quận Hoàng Mai',
        'Quận Thanh Xuân',
        'Quận Long Biên',
      ],
      [1, 2],
    ),
    27,
  ],
  [city('Đà Nẵng', 'Đà Nẵng', 'DN', '550000', ['Quận Hải Châu', 'Quận Thanh Khê', 'Quận Sơn Trà']), 5],
  [city('Hải Phòng', 'Hải Phòng', 'HP', '180000', ['Quận Lê Chân', 'Quận Ngô Quyền', 'Quận Hồng Bàng']), 4.5],
  [city('Cần Thơ', 'Cần Thơ', 'CT', '900000', ['Quận Ninh Kiều', 'Quận Cái Răng']), 3],
  [city('Thủ Dầu Một', 'Bình Dương', '57', '820000', ['Phường Phú Cường', 'Phường Hiệp Thành']), 5],
  [city('Biên Hòa', 'Đồng Nai', '39', '810000', ['Phường Tân Phong', 'Phường Trảng Dài']), 4],
  [city('Nha Trang', 'Khánh Hòa', '34', '650000', ['Phường Lộc Thọ', 'Phường Vĩnh Hải']), 2],
  [city('Huế', 'Thừa Thiên Huế', '26', '530000', ['Phường Phú Hội', 'Phường Vĩnh Ninh']), 2],
  [city('Vinh', 'Nghệ An', '24', '460000', ['Phường Hưng Bình', 'Phường Lê Lợi']), 2.5],
  [city('Bắc Ninh', 'Bắc Ninh', '56', '790000', ['Phường Suối Hoa', 'Phường Kinh Bắc']), 2.5],
  [city('Hạ Long', 'Quảng Ninh', '13', '200000', ['Phường Bãi Cháy', 'Phường Hồng Gai']), 2],
  [city('Đà Lạt', 'Lâm Đồng', '35', '670000', ['Phường 1', 'Phường 9']), 1.5],
  [city('Vũng Tàu', 'Bà Rịa - Vũng Tàu', '43', '790000', ['Phường Thắng Tam', 'Phường 7']), 2],
  [city('Thanh Hóa', 'Thanh Hóa', '21', '440000', ['Phường Điện Biên', 'Phường Đông Thọ']), 2],
  [city('Tân An', 'Long An', '41', '850000', ['Phường 1', 'Phường 3']), 1.5],
]);

const STREETS = [
  'Nguyễn Trãi',
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Quang Trung',
  'Nguyễn Huệ',
  'Lê Duẩn',
  'Hùng Vương',
  'Phan Chu Trinh',
  'Điện Biên Phủ',
  'Võ Văn Tần',
  'Nguyễn Văn Cừ',
  'Trường Chinh',
  'Cách Mạng Tháng Tám',
  'Nguyễn Thị Minh Khai',
  'Lê Văn Sỹ',
  'Bạch Đằng',
  'Pasteur',
  'Hoàng Hoa Thám',
  'Phạm Văn Đồng',
  'Tôn Đức Thắng',
  'Xuân Thủy',
];

/** Carrier prefixes of Vietnamese mobile numbers (Viettel, Vinaphone, Mobifone, Vietnamobile, Gmobile). */
const MOBILE_PREFIXES = [
  '032',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '039',
  '086',
  '096',
  '097',
  '098',
  '081',
  '082',
  '083',
  '084',
  '085',
  '088',
  '091',
  '094',
  '070',
  '076',
  '077',
  '078',
  '079',
  '089',
  '090',
  '093',
  '052',
  '056',
  '058',
  '092',
  '059',
  '099',
];

const EMAIL_DOMAINS = new WeightedPicker<string>([
  ['gmail.com', 82],
  ['yahoo.com', 7],
  ['icloud.com', 5],
  ['hotmail.com', 3],
  ['outlook.com', 3],
]);

export type Gender = 'female' | 'male';

export interface PersonName {
  family: string;
  middle: string;
  given: string;
  gender: Gender;
}

/** A Vietnamese name: family name by its frequency, middle and given name by gender. */
export function randomName(rng: Rng, femaleShare: number): PersonName {
  const gender: Gender = chance(rng, femaleShare) ? 'female' : 'male';
  const female = gender === 'female';
  return {
    family: FAMILY_NAMES.pick(rng),
    middle: pickOne(rng, female ? FEMALE_MIDDLE : MALE_MIDDLE),
    given: pickOne(rng, female ? FEMALE_GIVEN : MALE_GIVEN),
    gender,
  };
}

/** "Nguyễn Thị Hương": Vietnamese order, family name first. */
export function fullName(n: PersonName): string {
  return `${n.family} ${n.middle} ${n.given}`;
}

/** Removes Vietnamese diacritics ("Đặng Thị Hương" → "Dang Thi Huong"). */
export function stripDiacritics(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/** Lowercase ASCII of a name part, cached (normalize() is slow and names repeat). */
const asciiCache = new Map<string, string>();
function ascii(part: string): string {
  let a = asciiCache.get(part);
  if (a === undefined) {
    a = stripDiacritics(part).toLowerCase().replace(/\s+/g, '');
    asciiCache.set(part, a);
  }
  return a;
}

/**
 * How many customers already picked each address, keyed by a 30-bit hash of the address (small
 * integer keys keep the map fast with hundreds of thousands of customers).
 */
export type EmailRegistry = Map<number, number>;

/** An empty registry for one shop. */
export function newEmailRegistry(): EmailRegistry {
  return new Map();
}

/** FNV-1a of the address, folded to 30 bits so that it stays a small integer. */
function addressHash(local: string, domain: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < local.length; i++) h = Math.imul(h ^ local.charCodeAt(i), 0x01000193);
  for (let i = 0; i < domain.length; i++) h = Math.imul(h ^ domain.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 30)) & 0x3fffffff;
}

/**
 * An e-mail address people actually pick: the name without diacritics in one of a few orders,
 * often with a birth year (nguyenthihong92@gmail.com). When the address (or, rarely, another one
 * with the same hash) was picked before, it gets `.2`, `.3`… before the @. No pattern below ends
 * in a dot and digits only, so a numbered address can equal neither a first choice nor another
 * numbered one: addresses are unique without keeping them.
 */
export function randomEmail(rng: Rng, n: PersonName, registry: EmailRegistry): string {
  const local = emailLocalPart(rng, n);
  const domain = EMAIL_DOMAINS.pick(rng);
  const key = addressHash(local, domain);
  const used = registry.get(key) ?? 0;
  registry.set(key, used + 1);
  return used === 0 ? `${local}@${domain}` : `${local}.${used + 1}@${domain}`;
}

function emailLocalPart(rng: Rng, n: PersonName): string {
  const f = ascii(n.family);
  const m = ascii(n.middle);
  const g = ascii(n.given);
  const year = intBetween(rng, 1975, 2005);
  const yy = String(year).slice(2);
  switch (Math.floor(rng() * 6)) {
    case 0:
      return `${f}${m}${g}${yy}`;
    case 1:
      return `${g}.${f}${yy}`;
    case 2:
      return `${f}${g}${year}`;
    case 3:
      return `${g}${f}`;
    case 4:
      return `${f}.${m}.${g}`;
    default:
      return `${g}${m}${f}${intBetween(rng, 1, 99)}`;
  }
}

const MOBILE_SPACE = MOBILE_PREFIXES.length * 10_000_000;

/** One round function of the Feistel permutation below (15-bit halves). */
function feistelRound(half: number, key: number): number {
  let h = Math.imul(half ^ key, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) & 0x7fff;
}

/**
 * Customer `index`'s mobile number, 10 digits starting with 0 (0912345678). A keyed Feistel
 * permutation of the index over the numbering space (cycle-walking past its end) gives every
 * customer a different, random-looking number with no table of the numbers already taken, which
 * matters when the bench generates hundreds of thousands of customers.
 */
export function mobileFor(index: number, key: number): string {
  let x = index;
  do {
    let left = x >>> 15;
    let right = x & 0x7fff;
    for (let round = 0; round < 4; round++) {
      const next = left ^ feistelRound(right, key + round * 0x632be5ab);
      left = right;
      right = next;
    }
    x = left * 0x8000 + right;
  } while (x >= MOBILE_SPACE);
  const prefix = MOBILE_PREFIXES[Math.floor(x / 10_000_000)]!;
  return prefix + String(x % 10_000_000).padStart(7, '0');
}

/** The E.164 form of a national mobile number: 0912345678 → +84912345678. */
export function mobileE164(national: string): string {
  return `+84${national.slice(1)}`;
}

/**
 * The number as a customer or a clerk typed it: "0912345678", "0912 345 678", "84912345678",
 * "+84 912-345-678", "+84912345678" or "0912.345.678". All normalise to the same E.164.
 */
export function messyPhone(rng: Rng, national: string): string {
  const d = national.slice(1);
  const x = rng();
  if (x < 0.4) return national;
  if (x < 0.6) return `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`;
  if (x < 0.72) return `84${d}`;
  if (x < 0.82) return `+84 ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`;
  if (x < 0.92) return `+84${d}`;
  return `${national.slice(0, 4)}.${national.slice(4, 7)}.${national.slice(7)}`;
}

/** A delivery address (Vietnamese form: number, street, district or ward). */
export interface DemoAddress {
  city: DemoCity;
  address1: string;
  address2: string;
  /** Most Vietnamese buyers leave the postcode empty. */
  zip: string;
}

/** An address in a city drawn by its share of online orders. */
export function randomAddress(rng: Rng): DemoAddress {
  const c = DEMO_CITIES.pick(rng);
  const alley = chance(rng, 0.35) ? `/${intBetween(rng, 2, 60)}` : '';
  return {
    city: c,
    address1: `${intBetween(rng, 1, 450)}${alley} ${pickOne(rng, STREETS)}, ${pickOne(rng, c.districts)}`,
    address2: chance(rng, 0.08)
      ? `Căn hộ ${intBetween(rng, 1, 30)}.${String(intBetween(rng, 1, 20)).padStart(2, '0')}`
      : '',
    zip: chance(rng, 0.4) ? c.zip : '',
  };
}
