import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { consolePage } from '../../../lib/ops/console-page';
import type { MetricsDocument } from '../../../lib/ops/metrics';
import { uplotAssets } from '../../../lib/ops/uplot-assets';
import { type HeadlessBrowser, launchBrowser, screenshot } from '../../helpers/browser';
import { freePort } from '../../helpers/offline-server';

// The console page in a real headless Chromium, against a small local stand-in of the two
// endpoints it calls (the metrics document and redrive), so the page's own behaviour is checked
// in isolation: the credential prompt, the live lag chart, the falling-behind highlight, the dead
// letters shown as text, and redrive after a dry run and a confirmation.

const KEY = `operator-${randomUUID()}`;
const DEAD_LETTER_ID = randomUUID();
const HOSTILE_ERROR = '<img src=x onerror="window.__owned=1"> not JSON';

interface Redrive {
  topic: string;
  apiKey: string | undefined;
  body: { select: unknown; dry_run: boolean };
}

const state = { refreshes: 0, redrives: [] as Redrive[] };

function metricsDocument(): MetricsDocument {
  state.refreshes += 1;
  // The stopped stage falls further behind at every refresh; the other keeps up.
  const lag = 40 * state.refreshes;
  return {
    generated_at: new Date(Date.now()).toISOString(),
    rate_window_seconds: 60,
    topics: [
      {
        topic: 'user_actions',
        partitions: [{ partition: 0, start_offset: 0, end_offset: 100 + lag }],
        records_in_window: lag,
        rate_per_second: lag / 60,
      },
    ],
    stages: [
      {
        stage: 'process-user-action',
        group: 'g-process-user-action',
        topic: 'user_actions',
        state: 'Empty',
        members: 0,
        member_ids: [],
        partitions: [{ partition: 0, committed_offset: 100, end_offset: 100 + lag, lag }],
        total_lag: lag,
      },
      {
        stage: 'deliver-feedback',
        group: 'g-deliver-feedback',
        topic: 'real_time_feedback',
        state: 'Stable',
        members: 1,
        member_ids: ['m-1'],
        partitions: [{ partition: 0, committed_offset: 7, end_offset: 7, lag: 0 }],
        total_lag: 0,
      },
    ],
    dead_letters: [
      {
        topic: 'user_actions_dlq',
        count: 1,
        latest: [
          {
            dead_letter_id: DEAD_LETTER_ID,
            event_id: null,
            reason: 'undecodable',
            error: HOSTILE_ERROR,
            stage: 'process-user-action',
            attempt: 1,
            original: { topic: 'user_actions', partition: 0, offset: 42 },
            failed_at: '2026-12-02T14:00:00.000Z',
            dlq_partition: 0,
            dlq_offset: 0,
          },
        ],
      },
      { topic: 'real_time_feedback_dlq', count: 0, latest: [] },
    ],
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/api/kafka/ops') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(consolePage({ pollMs: 250, behindLag: 1000 }, uplotAssets()));
    return;
  }
  if (req.headers['x-api-key'] !== KEY) {
    json(res, 403, { error: { code: 'forbidden', message: 'wrong operator credential' } });
    return;
  }
  if (req.method === 'GET' && url.pathname === '/api/kafka/ops/metrics') {
    json(res, 200, metricsDocument());
    return;
  }
  const redrive = /^\/api\/kafka\/dlq\/([^/]+)\/redrive$/.exec(url.pathname);
  if (req.method === 'POST' && redrive) {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text) as Redrive['body'];
    const topic = decodeURIComponent(redrive[1]!);
    state.redrives.push({ topic, apiKey: req.headers['x-api-key'] as string, body });
    const item = {
      dead_letter_id: DEAD_LETTER_ID,
      dlq_partition: 0,
      dlq_offset: 0,
      source_topic: 'user_actions',
    };
    json(res, 200, { dlq_topic: topic, dry_run: body.dry_run, selected: 1, redriven: [item], skipped: [] });
    return;
  }
  json(res, 404, { error: { code: 'not_found', message: 'no such route' } });
}

let server: Server;
let base: string;
let browser: HeadlessBrowser;

beforeAll(async () => {
  const port = await freePort();
  server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const lagOf = (page: Page, stage: string): Promise<number> =>
  page.locator(`[data-stage="${stage}"]`).getAttribute('data-lag').then(Number);

describe('the operations console page in headless Chromium', () => {
  it('asks for the credential again when it is refused', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/api/kafka/ops`);
    await page.locator('#api-key').fill('not-the-key');
    await page.locator('#login-form button').click();
    await page.locator('#login-message').filter({ hasText: 'refused (403)' }).waitFor();
    expect(await page.locator('#login').isVisible()).toBe(true);
    expect(await page.locator('#console').isVisible()).toBe(false);
    await page.context().close();
  });

  it('shows the stopped stage’s lag rising, highlighted, and the dead letter in the table; redrives after confirmation', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/api/kafka/ops`);
    await page.locator('#api-key').fill(KEY);
    await page.locator('#login-form button').click();

    const stopped = page.locator('[data-stage="process-user-action"]');
    await stopped.waitFor();
    const first = await lagOf(page, 'process-user-action');
    // Evaluated in the page (the test itself is compiled without the DOM's types).
    await page.waitForFunction(
      `Number(document.querySelector('[data-stage="process-user-action"]')?.getAttribute('data-lag')) >= ${first + 80}`,
    );
    // Both read from the same state of the page: it refreshes every 250 ms.
    const [later, shown] = (await page.evaluate(
      `(() => { const card = document.querySelector('[data-stage="process-user-action"]'); return [Number(card.getAttribute('data-lag')), card.querySelector('.lag').textContent]; })()`,
    )) as [number, string];
    expect(later).toBeGreaterThan(first);
    expect(shown).toBe(String(later));
    // Below the configured threshold, but growing: falling behind. The stage that keeps up is not.
    expect(await stopped.getAttribute('class')).toContain('behind');
    expect(await stopped.locator('.badge').isVisible()).toBe(true);
    expect(await page.locator('[data-stage="deliver-feedback"]').getAttribute('class')).not.toContain(
      'behind',
    );
    // uPlot drew the lag chart.
    expect(await stopped.locator('.chart canvas').count()).toBeGreaterThan(0);

    const row = page.locator(`tr.dead-letter[data-id="${DEAD_LETTER_ID}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 8)).toEqual([
      '2026-12-02T14:00:00.000Z',
      'user_actions_dlq',
      'process-user-action',
      'undecodable',
      HOSTILE_ERROR,
      '1',
      'user_actions-0@42',
      '-',
    ]);
    // The dead letter's text stayed text.
    expect(await page.locator('#dead-letters img').count()).toBe(0);
    expect(await page.evaluate('window.__owned')).toBeUndefined();
    await screenshot(page, 'ops-console');

    await page.locator('#dlq-topics tr[data-topic="user_actions_dlq"] button.redrive-all').click();
    const dialog = page.locator('#redrive-dialog');
    await dialog
      .locator('#redrive-text')
      .filter({ hasText: 'Redrive 1 dead letter(s) from user_actions_dlq' })
      .waitFor();
    expect(state.redrives).toEqual([
      { topic: 'user_actions_dlq', apiKey: KEY, body: { select: 'all', dry_run: true } },
    ]);
    await screenshot(page, 'ops-console-redrive-dialog');
    await dialog.locator('#redrive-confirm').click();
    await page
      .locator('#status')
      .filter({ hasText: 'Redrove 1 dead letter(s) from user_actions_dlq' })
      .waitFor();
    expect(await dialog.isVisible()).toBe(false);
    expect(state.redrives.map((r) => r.body)).toEqual([
      { select: 'all', dry_run: true },
      { select: 'all', dry_run: false },
    ]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('cancelling the dialog redrives nothing', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/api/kafka/ops`);
    await page.locator('#api-key').fill(KEY);
    await page.locator('#login-form button').click();
    const before = state.redrives.length;
    await page.locator(`tr.dead-letter[data-id="${DEAD_LETTER_ID}"] button.redrive-one`).click();
    await page.locator('#redrive-text').filter({ hasText: 'Redrive 1 dead letter(s)' }).waitFor();
    await page.locator('#redrive-cancel').click();
    expect(await page.locator('#redrive-dialog').isVisible()).toBe(false);
    const sent = state.redrives.slice(before);
    expect(sent).toEqual([
      {
        topic: 'user_actions_dlq',
        apiKey: KEY,
        body: { select: { partition: 0, from: 0, to: 0 }, dry_run: true },
      },
    ]);
    await page.context().close();
  });
});
