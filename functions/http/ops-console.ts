import { declareEndpoint } from '../../lib/api/endpoint';
import { html, httpHandler } from '../../lib/middleware';
import { consolePage } from '../../lib/ops/console-page';

let page: string | undefined;

export const endpoint = declareEndpoint({
  name: 'ops-console',
  method: 'GET',
  path: '/ops',
  summary:
    'The operations console (HTML): live lag per stage, topic rates, dead letters and redrive; asks for the operator key once',
  tag: 'ops',
  // A browser cannot send x-api-key when it opens a URL: the page holds no figures and asks for the
  // operator key, which every call it makes carries (ops-metrics, redrive-dead-letters).
  caller: 'public',
  status: 200,
  contentType: 'text/html',
  handle: async () => {
    // Required here, not at the top: the module imports uPlot as text, which only the bundler can do.
    page ??= consolePage(
      {},
      (require('../../lib/ops/uplot-inlined') as typeof import('../../lib/ops/uplot-inlined')).inlinedUplot,
    );
    return html(page);
  },
});
export const handler = httpHandler(endpoint);
