/** The module scripts/build-web.ts makes of the library's own schemas (JSON Schema, TypeBox's output). */
declare module 'batchcode:schema' {
  import type { JsonSchema } from './schema-form';
  const schemas: { renderOptions: JsonSchema; bulkOptions: JsonSchema };
  export default schemas;
}
