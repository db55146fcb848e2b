/**
 * Broker restart under load: while HTTP requests stream in, the broker is killed (`kill -9`) and
 * started again. Every request answered 202 must be in the topic afterwards (found by `event_id`),
 * every request that is not stored must have been answered with a 5xx, the same server process
 * (and its cached producer) must recover without a restart, and `/health` must go 503 then 200.
 *
 * Killing the shared broker is only done here (`npm run test:faults` runs alone) and only when the
 * Java runner started it; it is always running again when this file ends.
 */
jest.setTimeout(420_000);

import path from 'node:path';
import { ensureCatalogueTopics } from '../../lib/events/topics';
import { type BrokerHandle, brokerPids, ensureBroker, killNode, startNode } from '../../scripts/broker';
import { kcatConsume } from '../helpers/kcat';
import { uniqueName } from '../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../helpers/offline-server';
import { waitFor } from '../helpers/wait';
import { reconcile, startLoad, watchStatus } from './helpers/load';
import { recordScenario } from './helpers/report';

const SINGLE = { nodes: 1 as const, log: (line: string) => process.stderr.write(`[broker] ${line}\n`) };
let broker: BrokerHandle;
let server: OfflineServer | undefined;

beforeAll(async () => {
  broker = await ensureBroker(SINGLE);
  await ensureCatalogueTopics();
});

afterAll(async () => {
  await server?.stop();
  // Whatever happened above, the shared broker is left running.
  if (broker?.mode === 'java' && brokerPids({ nodes: 1 })[1] === undefined) await startNode(1, SINGLE);
});

describe('broker restart under load', () => {
  it('every 202 is stored, everything else was a 5xx, the server and /health recover', async () => {
    if (broker.mode !== 'java') {
      process.stderr.write(`broker-restart: skipped, the broker runs in mode ${broker.mode}, not java\n`);
      return;
    }
    server = await startOffline({
      cwd: path.resolve(__dirname, '../..'),
      httpPort: await freePort(),
      lambdaPort: await freePort(),
      // HTTP only: no stage consumers competing for the two cores.
      args: ['--kafkaEnabled', 'false'],
      env: { KAFKA_BROKERS: broker.bootstrap, LOG_LEVEL: 'warn' },
    });
    const api = `${server.httpUrl}/api/kafka`;
    const user = uniqueName('restart');
    expect((await fetch(`${api}/health`)).status).toBe(200);

    const health = watchStatus(`${api}/health`);
    const load = startLoad({
      url: `${api}/messages/user-action`,
      concurrency: 4,
      maxRequests: 5000,
      maxMs: 240_000,
      body: (eventId, index) => ({ event_id: eventId, user_id: user, data: { action: 'LOGIN', seq: index } }),
    });
    try {
      await load.waitForMoreAcks(150, 60_000);

      expect(await killNode(1, SINGLE)).toBe(true);
      const killedAt = Date.now();
      await waitFor(() => (health.current() === 503 ? true : undefined), {
        timeoutMs: 60_000,
        what: '/health to answer 503 while the broker is down',
      });
      // Requests keep coming while the broker is down; let some of them fail.
      await waitFor(
        () => (load.sent.some((s) => s.startedAt > killedAt && s.status >= 500) ? true : undefined),
        {
          timeoutMs: 60_000,
          what: 'a request refused while the broker is down',
        },
      );

      await startNode(1, SINGLE);
      const restartedAt = Date.now();
      await waitFor(() => (health.current() === 200 ? true : undefined), {
        timeoutMs: 120_000,
        what: '/health to answer 200 again',
      });
      await load.waitForMoreAcks(150, 120_000);
      const sent = await load.stop();
      const healthChanges = await health.stop();

      // What Kafka holds for this run, read back by an independent client.
      const records = (await kcatConsume('user_actions')).filter((r) => r.key === user);
      const storedIds = records.map((r) => (JSON.parse(r.payload ?? '{}') as { event_id?: string }).event_id);
      const { acked, lost, notStoredWithout5xx, figures } = reconcile(sent, storedIds);
      const firstAckAfter = acked
        .filter((s) => s.startedAt >= restartedAt)
        .sort((a, b) => a.endedAt - b.endedAt)[0];
      const recoveryMs = firstAckAfter ? firstAckAfter.endedAt - restartedAt : undefined;
      const statuses = sent.reduce<Record<number, number>>((acc, s) => {
        acc[s.status] = (acc[s.status] ?? 0) + 1;
        return acc;
      }, {});
      const producerConnects = server.output().match(/kafka producer connecting/g)?.length ?? 0;

      recordScenario({
        scenario: 'broker restart under load (kill -9)',
        ...figures,
        recoveryMs,
        notes:
          `answers ${JSON.stringify(statuses)}; broker down ${((restartedAt - killedAt) / 1000).toFixed(1)} s; ` +
          `/health ${healthChanges.map((c) => c.status).join('→')}; producer connections ${producerConnects}`,
      });

      expect(lost.map((s) => s.event_id)).toEqual([]);
      expect(notStoredWithout5xx).toEqual([]);
      expect(acked.length).toBeGreaterThanOrEqual(300);
      expect(sent.filter((s) => s.status >= 500).length).toBeGreaterThan(0);
      // /health went down and came back, in that order.
      const sequence = healthChanges.map((c) => c.status);
      expect(sequence[0]).toBe(200);
      expect(sequence.indexOf(503)).toBeGreaterThan(0);
      expect(sequence.lastIndexOf(200)).toBeGreaterThan(sequence.indexOf(503));
      // The same server process served before and after: recovered without a restart.
      expect(server.output()).not.toMatch(/Server ready[\s\S]*Server ready/);
    } finally {
      await load.stop();
      await health.stop();
    }
  });
});
