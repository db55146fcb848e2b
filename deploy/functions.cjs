// @ts-check
/**
 * serverless.yml's `functions`, made from the declarations in the handler files themselves: every
 * `functions/http/<name>.ts` exporting `endpoint` and every `functions/pipeline/<name>.ts` exporting
 * `stage` (read through tsx, the TypeScript loader the project already runs its scripts with). Adding
 * an endpoint or a stage is adding its file: nothing here or in serverless.yml names it.
 *
 *   functions: ${file(./deploy/functions.cjs):functions}
 *
 * Endpoints: an `http` event; a protected caller (`gameServer`, `operator`) makes it `private` (API
 * Gateway admits only the stage's API keys) and gives the function the SHA-256 of its role's key,
 * which lib/middleware/caller.ts checks. Stages: one `kafka` or `msk` event (params.kafkaSource)
 * with the shared trigger settings (custom.stageTrigger), its topic, its own consumer group and its
 * event-type filter. WebSocket routes (`functions/websocket/<name>.ts` exporting `route`): one
 * `websocket` event on their route; the function is `websocket<Name>` (`connect` → `websocketConnect`).
 */
const { createHash } = require('node:crypto');
const { readdirSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const KEY_PARAM = { gameServer: 'gameApiKey', operator: 'adminApiKey' };
const KEY_HASH_VARIABLE = { gameServer: 'GAME_SERVER_API_KEY_SHA256', operator: 'OPERATOR_API_KEY_SHA256' };

/** @param {string} name */
const camel = (name) => name.replace(/-(\w)/g, (_, c) => c.toUpperCase());

/** @param {string} file */
const loadTypeScript = (file) => require('tsx/cjs/api').require(file, __filename);

/**
 * The declarations exported under `exportName` by the TypeScript files of one folder.
 * @param {'http' | 'pipeline' | 'websocket'} folder
 * @param {'endpoint' | 'stage' | 'route'} exportName
 * @param {(file: string) => any} load
 */
function declarations(folder, exportName, load) {
  const dir = path.join(ROOT, 'functions', folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .flatMap((file) => {
      const declared = load(path.join(dir, file))[exportName];
      if (!declared) return [];
      const name = file.slice(0, -'.ts'.length);
      if (declared.name !== name)
        throw new Error(
          `functions/${folder}/${file} declares ${exportName} "${declared.name}": name it as its file`,
        );
      return [{ ...declared, file: `functions/${folder}/${name}` }];
    });
}

/** @param {string} text */
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * @param {{ resolveVariable: (address: string) => Promise<any> }} serverless
 * @param {(file: string) => any} [load] how to load a TypeScript file (tests pass their own)
 */
async function functions({ resolveVariable }, load = loadTypeScript) {
  const stage = await resolveVariable('sls:stage');
  const local = stage === 'local';
  /** @type {Record<string, unknown>} */
  const result = {};

  /** Each stage's consumer group and topic, as the stage functions' events below name them. */
  const stageGroups = async () => {
    const prefix = await resolveVariable('param:stageGroupPrefix');
    return declarations('pipeline', 'stage', load).map((declared) => ({
      stage: declared.name,
      group: `${prefix}-${declared.name}`,
      topic: declared.topic,
    }));
  };

  const endpoints = declarations('http', 'endpoint', load).filter((endpoint) => local || !endpoint.localOnly);
  const endpointFiles = endpoints.map((endpoint) => endpoint.name).join(',');
  for (const endpoint of endpoints) {
    /** @type {Record<string, string>} */
    const environment = {};
    if (endpoint.caller !== 'public') {
      const key = String(await resolveVariable(`param:${KEY_PARAM[endpoint.caller]}`));
      environment[KEY_HASH_VARIABLE[endpoint.caller]] = sha256(key);
    }
    // The document and the docs page are made from every endpoint's declaration (lib/api/endpoints.ts).
    if (endpoint.name === 'get-openapi' || endpoint.name === 'get-docs')
      environment.API_ENDPOINTS = endpointFiles;
    // The metrics document's stages, which a bundle cannot list from functions/pipeline (lib/ops/stage-groups.ts).
    if (endpoint.name === 'ops-metrics') environment.OPS_STAGES = JSON.stringify(await stageGroups());
    result[camel(endpoint.name)] = {
      handler: `${endpoint.file}.handler`,
      description: endpoint.summary,
      // Its own role with only its player-state table actions (deploy/state-roles.cjs).
      ...(endpoint.state && { role: stateRoleId(camel(endpoint.name)) }),
      ...(Object.keys(environment).length > 0 && { environment }),
      events: [
        {
          http: {
            method: endpoint.method.toLowerCase(),
            path: `api/kafka${endpoint.path}`.replace(/\/$/, ''),
            ...(endpoint.caller !== 'public' && { private: true }),
          },
        },
      ],
    };
  }

  const source = await resolveVariable('param:kafkaSource');
  const trigger = await resolveVariable(`self:custom.stageTrigger.${source}`);
  const groupPrefix = await resolveVariable('param:stageGroupPrefix');
  for (const declared of declarations('pipeline', 'stage', load)) {
    result[camel(declared.name)] = {
      handler: `${declared.file}.handler`,
      description: declared.description,
      ...(declared.timeout !== undefined && { timeout: declared.timeout }),
      ...(declared.environment && { environment: declared.environment }),
      ...(declared.state && { role: stateRoleId(camel(declared.name)) }),
      events: [
        {
          [source]: {
            ...trigger,
            topic: declared.topic,
            consumerGroupId: `${groupPrefix}-${declared.name}`,
            ...(declared.batchingWindow !== undefined && { maximumBatchingWindow: declared.batchingWindow }),
            ...(declared.eventTypes && {
              filterPatterns: [{ value: { event_type: [...declared.eventTypes] } }],
            }),
          },
        },
      ],
    };
  }

  for (const declared of declarations('websocket', 'route', load)) {
    result[camel(`websocket-${declared.name}`)] = {
      handler: `${declared.file}.handler`,
      description: declared.description,
      ...(declared.timeout !== undefined && { timeout: declared.timeout }),
      ...(declared.state && { role: stateRoleId(camel(`websocket-${declared.name}`)) }),
      events: [{ websocket: { route: declared.route } }],
    };
  }
  return result;
}

/** The role deploy/state-roles.cjs makes for a function with a `state` use. @param {string} functionKey */
const stateRoleId = (functionKey) => `${functionKey.charAt(0).toUpperCase()}${functionKey.slice(1)}StateRole`;

module.exports = { functions, declarations, camel, stateRoleId };
