/** Variables both the gateway and the worker read, declared once. */
import { Type } from '@sinclair/typebox';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const LogLevel = Type.Union(
  LOG_LEVELS.map((l) => Type.Literal(l)),
  { default: 'info' },
);

export const RedisUrl = Type.String({ pattern: '^rediss?://', accepts: 'a redis:// or rediss:// URL' });
