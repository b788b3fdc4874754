/**
 * Place: a `geo:` URI (RFC 5870) in WGS 84, `geo:<latitude>,<longitude>`,
 * each written in plain decimals (no exponent) with at most 7 decimals.
 */
import { Type, type Static } from '@sinclair/typebox';
import { decimal } from './common.js';

export const GeoPayload = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90, description: 'Degrees north, -90 to 90.' }),
    longitude: Type.Number({ minimum: -180, maximum: 180, description: 'Degrees east, -180 to 180.' }),
  },
  { additionalProperties: false, description: 'A place on the map (geo:).' },
);
export type GeoPayload = Static<typeof GeoPayload>;

export function encodeGeo(p: GeoPayload): string {
  return `geo:${decimal(p.latitude)},${decimal(p.longitude)}`;
}
