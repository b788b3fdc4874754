/** The OpenAPI document at /docs/json (and /docs/yaml), its UI at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface SwaggerOptions {
  version: string;
}

const docs: FastifyPluginAsync<SwaggerOptions> = async (app, opts) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'batchcode',
        description:
          'Barcode and QR code rendering: single codes as images, batches as JSON, bulk jobs, and dynamic codes.',
        version: opts.version,
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
      tags: [
        { name: 'barcodes', description: 'Rendering' },
        { name: 'operations', description: 'Health and readiness' },
        { name: 'bulk', description: 'Bulk jobs from CSV files or JSON lists' },
        { name: 'jobs', description: 'Following, downloading and managing bulk jobs' },
        { name: 'codes', description: 'Dynamic codes: short links editable after printing, with scan statistics' },
        { name: 'redirect', description: 'The short links printed codes lead to (no API key)' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
};

export default fp(docs, { name: 'swagger', fastify: '5.x' });
