import { Validator } from '@seriousme/openapi-schema-validator';
import { handler as getDocs } from '../../../functions/http/get-docs';
import { handler as getOpenapi } from '../../../functions/http/get-openapi';
import { API_PREFIX } from '../../../lib/api/endpoint';
import { loadEndpoints } from '../../../lib/api/endpoints';
import { openApiDocument } from '../../../lib/api/openapi';
import { KEY_HASH_VARIABLE } from '../../../lib/middleware';
import { invoke, lambdaContext, restEvent } from '../../fixtures/api-gateway';
import { generatedFunctions } from '../../helpers/generated-functions';

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(openApiDocument());
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every endpoint, with its request schema and who may call it', () => {
    const { paths } = openApiDocument();
    const endpoints = loadEndpoints();
    for (const endpoint of endpoints) {
      const op = paths[`${API_PREFIX}${endpoint.path}`]?.[endpoint.method.toLowerCase()];
      expect(op).toBeDefined();
      expect(Boolean(op?.requestBody)).toBe(Boolean(endpoint.request));
      expect(op?.security).toEqual(endpoint.caller === 'public' ? [] : [{ [endpoint.caller]: [] }]);
    }
    expect(Object.values(paths).flatMap((p) => Object.keys(p))).toHaveLength(endpoints.length);
  });

  it('keeps only health, the document, the docs page and the console shell public where deployed', () => {
    const open = loadEndpoints()
      .filter((endpoint) => endpoint.caller === 'public' && !endpoint.localOnly)
      .map((endpoint) => endpoint.path)
      .sort();
    // The console is a page shell a browser can open: it holds no data and asks for the operator's
    // key before it calls the operator's endpoints.
    expect(open).toEqual(['/docs', '/health', '/openapi.json', '/ops']);
  });

  it('documents the notification record other services consume', () => {
    const schema = openApiDocument().components.schemas.NotificationsEvent as { required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['event_id', 'user_id', 'data']));
  });

  it('is served as JSON, and as a readable page', async () => {
    const res = await invoke(getOpenapi, restEvent({ method: 'GET', path: '/api/kafka/openapi.json' }));
    expect(res.statusCode).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const page = await getDocs(restEvent({ method: 'GET', path: '/api/kafka/docs' }), lambdaContext());
    expect(page.headers?.['Content-Type']).toContain('text/html');
    for (const endpoint of loadEndpoints()) expect(page.body).toContain(`${API_PREFIX}${endpoint.path}`);
  });
});

describe('the functions deploy/functions.cjs makes from the declarations', () => {
  type Fn = {
    handler: string;
    environment?: Record<string, string>;
    events: Record<string, Record<string, unknown>>[];
  };
  const made = () => generatedFunctions<Fn>('local');

  it("gives each endpoint one function, its http event, and its caller's key hash", async () => {
    const functions = await made();
    const endpoints = loadEndpoints();
    expect(endpoints.length).toBeGreaterThan(10);
    for (const endpoint of endpoints) {
      const fn = functions[endpoint.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())];
      expect(fn?.handler).toBe(`functions/http/${endpoint.name}.handler`);
      expect(fn?.events).toEqual([
        {
          http: {
            method: endpoint.method.toLowerCase(),
            path: `${API_PREFIX}${endpoint.path}`.slice(1),
            ...(endpoint.caller !== 'public' && { private: true }),
          },
        },
      ]);
      const hashes = Object.keys(fn?.environment ?? {}).filter((name) => name.endsWith('_API_KEY_SHA256'));
      expect(hashes).toEqual(endpoint.caller === 'public' ? [] : [KEY_HASH_VARIABLE[endpoint.caller]]);
    }
    const httpFunctions = Object.values(functions).filter((fn) => fn.events.some((e) => 'http' in e));
    expect(httpFunctions).toHaveLength(endpoints.length);
  });

  it('keeps the keys themselves out of the functions', async () => {
    expect(JSON.stringify(await made())).not.toMatch(/key-under-test/);
  });
});
