import { z } from 'zod';
import { catalogue, catalogueTopics } from '../events/catalogue';
import { ErrorResponse } from './requests';
import { API_PREFIX, type Route, routes } from './routes';

type JsonSchema = Record<string, unknown>;

/** zod → JSON Schema 2020-12, the dialect OpenAPI 3.1 uses. */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  });
  return rest;
};

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const errorRef = { $ref: '#/components/schemas/Error' };
const error = (description: string) => ({ description, content: json(errorRef) });

const pascal = (topic: string) => topic.replace(/(^|_)(\w)/g, (_, _u: string, c: string) => c.toUpperCase());

function operation(route: Route) {
  const responses: Record<string, { description: string } & Record<string, unknown>> = {
    [route.status]: {
      description: route.status === 202 ? 'Accepted: every event acknowledged by Kafka (acks=all)' : 'OK',
      content:
        route.contentType === 'text/html'
          ? { 'text/html': { schema: { type: 'string' } } }
          : json(route.response ? jsonSchema(route.response, 'output') : { type: 'object' }),
    },
  };
  if (route.request) {
    responses[400] = error('The body is not JSON, or fails its schema (each wrong field is named)');
    responses[413] = error('The body or the batch is larger than allowed');
    responses[415] = error('The body is not application/json');
  }
  if (route.path.includes('{name}')) {
    responses[400] = error('The topic name is not one Kafka accepts');
    responses[404] = error('No such topic');
  }
  // API Gateway itself refuses these, with its own body.
  if (route.private) {
    responses[403] = {
      description: 'Missing or wrong x-api-key',
      content: json({ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }),
    };
  }
  if (route.tag !== 'service' || route.functionKey === 'getHealth') {
    responses[503] = {
      ...error('Kafka is unreachable; retry after the Retry-After seconds. Nothing was produced.'),
      headers: { 'Retry-After': { schema: { type: 'integer' } } },
    };
  }
  return {
    operationId: route.functionKey,
    summary: route.summary,
    tags: [route.tag],
    ...(route.private && { security: [{ apiKey: [] }] }),
    ...(route.path.includes('{name}') && {
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
    }),
    ...(route.request && {
      requestBody: { required: true, content: json(jsonSchema(route.request, 'input')) },
    }),
    responses,
  };
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the functions use. */
export function openApiDocument(serverUrl = '/') {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of routes) {
    const path = `${API_PREFIX}${route.path}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  const topicSchemas: Record<string, JsonSchema> = Object.fromEntries(
    catalogueTopics.map((topic) => [`${pascal(topic)}Event`, jsonSchema(catalogue[topic].schema, 'output')]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Casino-Club F2P event backbone',
      version: '0.1.0',
      description:
        'Produces game events to Kafka. Every accepted event is acknowledged by all in-sync replicas before the 202. ' +
        'The `components.schemas` also document the record on each topic (e.g. `NotificationsEvent`, the contract for push services).',
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: 'topics', description: 'Topic administration' },
      { name: 'messages', description: 'Produce events in the seed message format' },
      { name: 'game', description: 'Start the game scenario pipelines' },
      { name: 'service', description: 'Health, configuration and documentation' },
    ],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: { Error: jsonSchema(ErrorResponse, 'output'), ...topicSchemas } as Record<string, JsonSchema>,
    },
  };
}
