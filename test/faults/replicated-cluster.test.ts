/**
 * Replicated cluster: three brokers (replication factor 3, `min.insync.replicas` 2); one is killed
 * (SIGKILL) while HTTP requests stream in. No acknowledged event may be lost, and production must
 * go on with two brokers. The cluster is this file's own (ports 19092/29092/39092) and is stopped
 * at the end.
 */
jest.setTimeout(480_000);

import path from 'node:path';
import { config } from '../../lib/config';
import { createKafka, createTopics, describeCluster, withAdmin } from '../../lib/kafka';
import { type BrokerHandle, ensureBroker, killNode, startNode, stopBroker } from '../../scripts/broker';
import { kcatConsume } from '../helpers/kcat';
import { uniqueName } from '../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../helpers/offline-server';
import { waitFor } from '../helpers/wait';
import { closeKafkaClients } from './helpers/cleanup';
import { reconcile, startLoad } from './helpers/load';
import { recordScenario } from './helpers/report';

const CLUSTER = { nodes: 3 as const, log: (line: string) => process.stderr.write(`[cluster] ${line}\n`) };
let cluster: BrokerHandle | undefined;
let server: OfflineServer | undefined;

afterAll(async () => {
  await server?.stop();
  await closeKafkaClients();
  if (cluster?.mode === 'java') await stopBroker(CLUSTER);
});

it('zero acknowledged events lost and production goes on when one of three brokers is killed', async () => {
  cluster = await ensureBroker(CLUSTER);
  const kafka = createKafka({ ...config().kafka, brokers: cluster.brokers }, 'faults-cluster');
  await createTopics(
    [{ topic: 'user_actions', partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }],
    kafka,
  );
  // A new topic reaches every broker's metadata a moment after the controller confirms it.
  const replicas = await waitFor(
    () =>
      withAdmin(async (admin) => {
        const { topics } = await admin.fetchTopicMetadata({ topics: ['user_actions'] });
        const counts = topics[0]?.partitions.map((p) => p.replicas.length) ?? [];
        return counts.length === 3 ? counts : undefined;
      }, kafka),
    { timeoutMs: 30_000, what: 'user_actions metadata on every broker' },
  );
  expect(replicas).toEqual([3, 3, 3]);

  server = await startOffline({
    cwd: path.resolve(__dirname, '../..'),
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    args: ['--kafkaEnabled', 'false'],
    env: { KAFKA_BROKERS: cluster.bootstrap, KAFKA_REPLICATION_FACTOR: '3', LOG_LEVEL: 'warn' },
  });
  const user = uniqueName('replicated');
  const load = startLoad({
    url: `${server.httpUrl}/api/kafka/messages/user-action`,
    concurrency: 4,
    maxRequests: 5000,
    maxMs: 300_000,
    body: (eventId, index) => ({
      event_id: eventId,
      user_id: `${user}-${index % 12}`,
      data: { action: 'LOGIN' },
    }),
  });
  let killedAt = 0;
  let victim = 0;
  try {
    await load.waitForMoreAcks(150, 90_000);
    // The node leading the most partitions of the topic: the hardest one to lose.
    victim = await withAdmin(async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['user_actions'] });
      const leaders = topics[0]?.partitions.map((p) => p.leader) ?? [];
      const counts = [1, 2, 3].map((id) => leaders.filter((l) => l === id).length);
      return counts.indexOf(Math.max(...counts)) + 1;
    }, kafka);
    expect(await killNode(victim, CLUSTER)).toBe(true);
    killedAt = Date.now();
    // Production goes on with two of three brokers.
    await load.waitForMoreAcks(300, 120_000);
  } finally {
    await load.stop();
  }
  const sent = load.sent;
  const brokersLeft = (await describeCluster(kafka)).brokers.length;

  // Read everything back from the two live brokers with kcat.
  const records = (await kcatConsume('user_actions', [], cluster.bootstrap))
    .filter((r) => r.key?.startsWith(`${user}-`))
    .map((r) => ({
      at: `${r.partition}@${r.offset}`,
      event_id: (JSON.parse(r.payload ?? '{}') as { event_id?: string }).event_id,
    }));
  const { acked, lost, notStoredWithout5xx, figures } = reconcile(
    sent,
    records.map((r) => r.event_id),
  );
  const failures = sent.filter((s) => s.status !== 202);
  const lastFailure = failures.filter((s) => s.endedAt >= killedAt).sort((a, b) => b.endedAt - a.endedAt)[0];
  const ackedAfterKill = acked.filter((s) => s.startedAt > killedAt).length;

  // The killed node comes back (the cluster is stopped right after, but whole).
  await startNode(victim, CLUSTER);

  recordScenario({
    scenario: 'replicated cluster (RF 3, min ISR 2), one of 3 brokers killed',
    ...figures,
    recoveryMs: lastFailure ? lastFailure.endedAt - killedAt : 0,
    notes:
      `node ${victim} killed; ${failures.length} requests refused (5xx), ${ackedAfterKill} acknowledged after the kill ` +
      `with ${brokersLeft} brokers; recovery = kill until the last refused request`,
  });

  // A loss names where the server said the event landed and what the topic holds there instead.
  const holding = new Map(records.map((r) => [r.at, r.event_id]));
  const where = (s: (typeof sent)[number]) => {
    const { accepted } = (s.placement ?? {}) as { accepted?: { partition: number; offset: string }[] };
    const at = accepted?.[0] ? `${accepted[0].partition}@${accepted[0].offset}` : '?';
    return {
      event_id: s.event_id,
      claimed: at,
      holds: holding.get(at) ?? null,
      endedAt: s.endedAt - killedAt,
    };
  };
  expect(lost.map(where)).toEqual([]);
  expect(notStoredWithout5xx).toEqual([]);
  expect(ackedAfterKill).toBeGreaterThanOrEqual(300);
});
