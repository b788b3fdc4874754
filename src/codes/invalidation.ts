/**
 * Telling every gateway that a code changed, so its cached redirect goes:
 * a PUBLISH on one channel, which each gateway's subscriber connection turns
 * into `forget(slug)`. Messages sent while a subscriber was disconnected are
 * lost, so a subscriber that reconnects forgets everything it had cached.
 * Without Redis there is one gateway and nothing to tell.
 */
import type { Redis } from 'ioredis';
import { subscriberRedis } from '../infra/redis.js';

export const INVALIDATION_CHANNEL = 'batchcode:codes:changed';

export interface Invalidation {
  /** Tells the other gateways (best effort: their cache entries expire anyway). */
  publish(slugs: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface Subscriber {
  forget(slug: string): void;
  forgetAll(): void;
  log: (level: 'warn' | 'error', msg: string, err?: unknown) => void;
}

export function redisInvalidation(publisher: Redis, url: string, sub: Subscriber): Invalidation {
  const subscriber = subscriberRedis(url);
  let connectedBefore = false;
  subscriber.on('error', () => undefined);
  subscriber.on('ready', () => {
    if (connectedBefore) sub.forgetAll();
    connectedBefore = true;
  });
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== INVALIDATION_CHANNEL) return;
    for (const slug of message.split('\n')) if (slug) sub.forget(slug);
  });
  subscriber.subscribe(INVALIDATION_CHANNEL).catch((err: unknown) => sub.log('warn', 'could not subscribe', err));
  return {
    async publish(slugs) {
      if (slugs.length === 0) return;
      try {
        await publisher.publish(INVALIDATION_CHANNEL, slugs.join('\n'));
      } catch (err) {
        sub.log('warn', 'could not publish a code change; other gateways see it when their cache entry expires', err);
      }
    },
    async close() {
      subscriber.disconnect();
    },
  };
}

export const localInvalidation: Invalidation = { publish: async () => undefined, close: async () => undefined };
