import type { SessionRecord } from '../../app/users.js';
import { assertNever } from '../../errors.js';
import { type Html, html } from './html.js';
import { type Catalogue, COMMON, type Lang, tr } from './i18n.js';
import type { NavKey } from './page.js';

/** Where each menu entry goes. */
export const NAV_HREF: Record<NavKey, string> = {
  overview: '/',
  customers: '/customers',
  segments: '/segments',
  best: '/best',
  products: '/products',
  flows: '/flows',
  messages: '/messages',
  coupons: '/coupons',
  loyalty: '/loyalty',
  referrals: '/referrals',
  feedback: '/feedback',
  tasks: '/tasks',
  live: '/live',
  imports: '/imports',
  settings: '/settings',
};

const GROUPS = {
  people: { vi: 'Khách hàng', en: 'Customers' },
  marketing: { vi: 'Marketing', en: 'Marketing' },
  loyal: { vi: 'Khách thân thiết', en: 'Loyalty' },
  data: { vi: 'Dữ liệu & cài đặt', en: 'Data & settings' },
} as const satisfies Catalogue;

/**
 * An entry's label inside a group where the page's own title would repeat the group's name
 * ("Khách hàng" under "Khách hàng", "Loyalty" under "Loyalty").
 */
const IN_GROUP = {
  customers: { vi: 'Danh sách khách hàng', en: 'All customers' },
  loyalty: { vi: 'Điểm thưởng', en: 'Points & tiers' },
} as const satisfies Catalogue;

type GroupKey = keyof typeof GROUPS;

/** A top-level entry: one page, or a group of pages that opens as a list. */
type MenuEntry = { kind: 'page'; key: NavKey } | { kind: 'group'; id: GroupKey; keys: readonly NavKey[] };

/**
 * The menu a seller sees: the everyday pages at the top level and the rest in four groups, so the
 * row fits a 1024 px screen (fifteen entries in a row did not).
 */
const MENU: readonly MenuEntry[] = [
  { kind: 'page', key: 'overview' },
  { kind: 'group', id: 'people', keys: ['customers', 'segments', 'best', 'live'] },
  { kind: 'page', key: 'products' },
  { kind: 'group', id: 'marketing', keys: ['flows', 'messages', 'coupons'] },
  { kind: 'group', id: 'loyal', keys: ['loyalty', 'referrals', 'feedback'] },
  { kind: 'page', key: 'tasks' },
  { kind: 'group', id: 'data', keys: ['imports', 'settings'] },
];

/** Whether the session's role may see a page in the menu (settings are the owner's). */
function visible(key: NavKey, session: SessionRecord): boolean {
  return key !== 'settings' || session.role === 'owner';
}

function pageLink(key: NavKey, current: NavKey | undefined, lang: Lang, label = tr(COMMON[key], lang)): Html {
  return html`<a href="${NAV_HREF[key]}"${key === current ? html` aria-current="page"` : ''}>${label}</a>`;
}

/**
 * One group as a disclosure (`<details>`): it opens with a click, Enter or Space without any
 * script, the links inside are ordinary links (Tab reaches them), and the group holding the page
 * shown is marked. The dashboard's script closes the other groups, and closes one on Escape or a
 * click elsewhere. A group left with one page for this role is that page's link.
 */
function groupEntry(
  entry: Extract<MenuEntry, { kind: 'group' }>,
  session: SessionRecord,
  current: NavKey | undefined,
  lang: Lang,
): Html {
  const keys = entry.keys.filter((key) => visible(key, session));
  const [only] = keys;
  if (keys.length === 1 && only) return html`<li>${pageLink(only, current, lang)}</li>`;
  const holds = current !== undefined && keys.includes(current);
  const label = (key: NavKey): string =>
    key in IN_GROUP ? tr(IN_GROUP[key as keyof typeof IN_GROUP], lang) : tr(COMMON[key], lang);
  return html`<li><details class="nav-group"${holds ? html` data-current` : ''}><summary>${tr(GROUPS[entry.id], lang)}</summary><ul>${keys.map(
    (key) => html`<li>${pageLink(key, current, lang, label(key))}</li>`,
  )}</ul></details></li>`;
}

/** The main menu of a signed-in page; `current` is the page's entry. */
export function mainMenu(session: SessionRecord, current: NavKey | undefined, lang: Lang): Html {
  const item = (entry: MenuEntry): Html | string => {
    switch (entry.kind) {
      case 'page':
        return visible(entry.key, session) ? html`<li>${pageLink(entry.key, current, lang)}</li>` : '';
      case 'group':
        return groupEntry(entry, session, current, lang);
      default:
        return assertNever(entry, 'menu entry');
    }
  };
  return html`<nav aria-label="${tr(COMMON.mainMenu, lang)}"><ul>${MENU.map(item)}</ul></nav>`;
}
