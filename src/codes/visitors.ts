/**
 * What a scan records of its visitor: a device class, OS and browser read
 * from the User-Agent, the referrer's host, whether it is a bot (crawlers,
 * link previewers, HTTP libraries: counted apart), and a hash that tells
 * visitors apart within one UTC day without keeping their address.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { DeviceClass } from './schema.js';

export interface Agent {
  device: DeviceClass;
  os: string;
  browser: string;
  bot: boolean;
}

const BOT =
  /bot\b|bot\/|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|telegram|skype|vkshare|pinterest|bitlyurl|curl\/|wget\/|python-|httpclient|go-http|okhttp|axios\/|node-fetch|undici|headless|lighthouse|monitor|^$/i;

const OS: [RegExp, string, DeviceClass][] = [
  [/iPhone|iPad|iPod/, 'iOS', 'ios'],
  [/Android/, 'Android', 'android'],
  [/Windows Phone/, 'Windows Phone', 'other'],
  [/Windows NT/, 'Windows', 'desktop'],
  [/CrOS/, 'ChromeOS', 'desktop'],
  [/Macintosh|Mac OS X/, 'macOS', 'desktop'],
  [/Linux|X11|BSD/, 'Linux', 'desktop'],
];

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\/|Mobile\/\w+$/, 'Safari'],
];

/** User agents repeat: most scans of a poster come from a few phone models. */
const seen = new LRUCache<string, Agent>({ max: 5000 });

/** At most this much of a User-Agent is read (and used as a cache key). */
const MAX_AGENT = 512;

export function classify(userAgent: string | undefined): Agent {
  const ua = (userAgent ?? '').slice(0, MAX_AGENT);
  const cached = seen.get(ua);
  if (cached) return cached;
  const os = OS.find(([re]) => re.test(ua));
  const agent: Agent = {
    // iPadOS presents itself as a Mac; its "Mobile/" token gives it away.
    device: os ? (os[2] === 'desktop' && /Macintosh/.test(ua) && /Mobile\//.test(ua) ? 'ios' : os[2]) : 'other',
    os: os?.[1] ?? 'Other',
    browser: BROWSERS.find(([re]) => re.test(ua))?.[1] ?? 'Other',
    // CUBOT is a phone maker, not a crawler.
    bot: BOT.test(ua) && !/\bCUBOT\b/.test(ua),
  };
  seen.set(ua, agent);
  return agent;
}

/** The Referer header's host, lower-case; '' when none or unreadable. */
export function referrerHost(referer: string | undefined): string {
  if (!referer || referer.length > 2048 || !URL.canParse(referer)) return '';
  return new URL(referer).hostname.toLowerCase().slice(0, 253);
}

/** The visitor's hash for one day: 16 hex digits of SHA-256(salt, address, user agent). */
export function visitorHash(salt: string, address: string, userAgent: string | undefined): string {
  return createHash('sha256')
    .update(salt)
    .update('\0')
    .update(address)
    .update('\0')
    .update((userAgent ?? '').slice(0, MAX_AGENT))
    .digest('hex')
    .slice(0, 16);
}

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
