/**
 * Every channel setting with its validation, whether it is a secret, required, its default and
 * what it is in both languages. The use cases are in channel-settings.ts.
 */
import { z } from 'zod';
import { SMTP_POOL_SIZE } from '../channels/smtp-pool.js';
import type { Localized } from '../domain/analytics/types.js';

const httpUrl = z.string().refine((text) => {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}, 'an http(s) URL');
const smtpUrl = z.string().refine((text) => {
  try {
    const u = new URL(text);
    return /^smtps?:$/.test(u.protocol) && u.hostname !== '';
  } catch {
    return false;
  }
}, 'smtp://user:pass@host:port or smtps://… (URL-encode @ and : in the user and password)');
const mailbox = z
  .string()
  .trim()
  .regex(
    /^([^<>]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/,
    'an address like Shop ABC <hello@shop.vn>',
  );
const token = (min: number) => z.string().trim().min(min, `at least ${min} characters`).max(2000);
const digits = z.string().regex(/^\d{1,30}$/, 'digits only');

export interface ChannelSettingSpec {
  schema: z.ZodType<string, string>;
  /** Never printed back, in any output or log. */
  secret: boolean;
  /** Needed before the channel is built. */
  required: boolean;
  /** The value when none is set. */
  default?: string;
  about: Localized;
}

const baseUrl = (url: string, what: string): ChannelSettingSpec => ({
  schema: httpUrl,
  secret: false,
  required: false,
  default: url,
  about: { vi: `địa chỉ API của ${what} (mặc định ${url})`, en: `${what}'s API address (default ${url})` },
});

/** Every channel setting, by channel; `nurture channel set` and the API take these. */
export const CHANNEL_SETTINGS = {
  email: {
    smtp_url: {
      schema: smtpUrl,
      secret: true,
      required: true,
      about: {
        vi: 'máy chủ gửi thư: smtp://tên:mật-khẩu@máy-chủ:cổng (giữ bí mật vì chứa mật khẩu)',
        en: 'the mail server: smtp://user:password@host:port (secret: it holds the password)',
      },
    },
    from: {
      schema: mailbox,
      secret: false,
      required: true,
      about: {
        vi: 'người gửi, ví dụ Shop ABC <hello@shop.vn>',
        en: 'the sender, e.g. Shop ABC <hello@shop.vn>',
      },
    },
    connections: {
      schema: z.string().regex(/^([1-9]|[1-9]\d|100)$/, 'a number of connections from 1 to 100'),
      secret: false,
      required: false,
      default: String(SMTP_POOL_SIZE),
      about: {
        vi: `số kết nối SMTP mở cùng lúc (mặc định ${SMTP_POOL_SIZE}); nhiều hơn thì gửi nhanh hơn, nếu máy chủ thư cho phép`,
        en: `SMTP connections kept open at once (default ${SMTP_POOL_SIZE}); more send faster, if the mail server allows them`,
      },
    },
  },
  sms: {
    provider: {
      schema: z.enum(['esms', 'speedsms'], 'esms or speedsms'),
      secret: false,
      required: false,
      about: {
        vi: 'nhà cung cấp SMS: esms hoặc speedsms (mặc định: cái đã cài đặt, ưu tiên esms)',
        en: 'the SMS provider: esms or speedsms (default: the configured one, eSMS first)',
      },
    },
  },
  esms: {
    base_url: baseUrl('https://rest.esms.vn', 'eSMS'),
    api_key: {
      schema: token(8),
      secret: true,
      required: true,
      about: { vi: 'ApiKey của eSMS', en: 'the eSMS ApiKey' },
    },
    secret_key: {
      schema: token(8),
      secret: true,
      required: true,
      about: { vi: 'SecretKey của eSMS', en: 'the eSMS SecretKey' },
    },
    brandname: {
      schema: z
        .string()
        .regex(/^[A-Za-z0-9 ._&-]{1,11}$/, 'the registered brandname, at most 11 letters/digits'),
      secret: false,
      required: true,
      about: { vi: 'tên thương hiệu (brandname) đã đăng ký', en: 'the registered brandname' },
    },
    sms_type: {
      schema: z.enum(['2'], '2 (customer care; other eSMS types are not sent one message at a time)'),
      secret: false,
      required: false,
      default: '2',
      about: { vi: 'loại tin: 2 = chăm sóc khách hàng (CSKH)', en: 'message type: 2 = customer care' },
    },
  },
  speedsms: {
    base_url: baseUrl('https://api.speedsms.vn', 'SpeedSMS'),
    token: {
      schema: token(8),
      secret: true,
      required: true,
      about: { vi: 'API access token của SpeedSMS', en: 'the SpeedSMS API access token' },
    },
    sender: {
      schema: z
        .string()
        .regex(/^[A-Za-z0-9 ._&-]{1,11}$/, 'the registered brandname, at most 11 letters/digits'),
      secret: false,
      required: false,
      about: {
        vi: 'brandname gửi tin (bắt buộc với loại tin 2 và 3)',
        en: 'the sender brandname (required with sms_type 2 and 3)',
      },
    },
    sms_type: {
      schema: z.enum(['2', '3', '4', '5'], '2, 3, 4 or 5'),
      secret: false,
      required: false,
      default: '2',
      about: {
        vi: 'loại tin: 2 brandname CSKH (mặc định), 3 brandname quảng cáo, 4 đầu số ngẫu nhiên, 5 app',
        en: 'type: 2 brandname customer care (default), 3 brandname promotion, 4 random number, 5 app',
      },
    },
  },
  zalo: {
    base_url: baseUrl('https://business.openapi.zalo.me', 'Zalo ZNS'),
    oauth_url: baseUrl('https://oauth.zaloapp.com', 'Zalo OAuth'),
    app_id: {
      schema: digits,
      secret: false,
      required: true,
      about: { vi: 'ID ứng dụng Zalo', en: 'the Zalo app id' },
    },
    secret_key: {
      schema: token(8),
      secret: true,
      required: true,
      about: { vi: 'khóa bí mật của ứng dụng Zalo', en: "the Zalo app's secret key" },
    },
    access_token: {
      schema: token(16),
      secret: true,
      required: true,
      about: {
        vi: 'access token của Official Account (tự làm mới)',
        en: "the Official Account's access token (refreshed automatically)",
      },
    },
    refresh_token: {
      schema: token(16),
      secret: true,
      required: true,
      about: {
        vi: 'refresh token của Official Account (đổi mỗi lần làm mới)',
        en: "the Official Account's refresh token (rotated at each refresh)",
      },
    },
  },
  messenger: {
    base_url: baseUrl('https://graph.facebook.com', 'Facebook Graph'),
    page_id: {
      schema: digits,
      secret: false,
      required: true,
      about: { vi: 'ID trang Facebook', en: 'the Facebook Page id' },
    },
    page_token: {
      schema: token(16),
      secret: true,
      required: true,
      about: { vi: 'mã truy cập trang (Page access token)', en: 'the Page access token' },
    },
  },
  webhook: {
    url: {
      schema: httpUrl,
      secret: false,
      required: true,
      about: { vi: 'địa chỉ nhận tin nhắn (POST JSON có ký)', en: 'where messages are posted (signed JSON)' },
    },
    secret: {
      schema: token(16),
      secret: true,
      required: true,
      about: { vi: 'khóa ký X-Nurture-Signature', en: 'the key that signs X-Nurture-Signature' },
    },
  },
} as const satisfies Record<string, Record<string, ChannelSettingSpec>>;

export type ChannelName = keyof typeof CHANNEL_SETTINGS;
export const CHANNEL_NAMES = Object.keys(CHANNEL_SETTINGS) as ChannelName[];
