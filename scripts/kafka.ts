/**
 * Local Kafka broker: `tsx scripts/kafka.ts up|down|status|reset [--nodes 3]`.
 * `up` prints `bootstrap: <addresses>` as its last line so scripts can pick it up with `tail -1`.
 */
import {
  type BrokerStatus,
  brokerStatus,
  type ClusterSize,
  ensureBroker,
  resetBroker,
  stopBroker,
} from './broker';

const USAGE = 'usage: tsx scripts/kafka.ts up|down|status|reset [--nodes 1|3]';

class UsageError extends Error {}

function parseArgs(argv: string[]): { command: string; nodes: ClusterSize } {
  const [command, ...rest] = argv;
  let nodes: ClusterSize = 1;
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    const value =
      arg === '--nodes' ? rest[++i] : arg.startsWith('--nodes=') ? arg.slice('--nodes='.length) : undefined;
    if (value === undefined) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    if (value !== '1' && value !== '3')
      throw new UsageError(`--nodes must be 1 or 3, not ${JSON.stringify(value)}`);
    nodes = value === '3' ? 3 : 1;
  }
  if (!command) throw new UsageError('missing command');
  return { command, nodes };
}

function printStatus(status: BrokerStatus): void {
  const state = status.running ? 'running' : 'not running';
  console.log(
    `kafka ${status.kafkaVersion} on ${status.bootstrap}: ${state}${status.mode ? ` (${status.mode})` : ''}`,
  );
  if (status.clusterId) console.log(`cluster id: ${status.clusterId}`);
  if (status.running) {
    const brokers = status.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(', ');
    console.log(`brokers: ${brokers || 'none'}; controller: ${status.controller ?? 'none'}`);
  }
  for (const node of status.nodes) {
    console.log(`node ${node.id} (${node.address}): ${node.running ? `pid ${node.pid}` : 'not running'}`);
  }
  if (status.containers.length > 0) console.log(`containers: ${status.containers.join(', ')}`);
}

async function main(): Promise<void> {
  const { command, nodes } = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(line);
  switch (command) {
    case 'up': {
      const broker = await ensureBroker({ nodes, log });
      console.log(`bootstrap: ${broker.bootstrap}`);
      return;
    }
    case 'down':
      return stopBroker({ nodes, log });
    case 'reset':
      return resetBroker({ nodes, log });
    case 'status':
      return printStatus(await brokerStatus({ nodes }));
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

main().then(
  // kafkajs may keep sockets alive for a moment after the probes; the work is done.
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`kafka: ${error.message}\n${USAGE}`);
      process.exit(2);
    }
    // The first line is the message; anything after it (a broker log tail) is detail.
    const [first, ...detail] = (error instanceof Error ? error.message : String(error)).split('\n');
    console.error(`kafka ${process.argv[2]}: ${first}`);
    for (const line of detail) console.error(`  | ${line}`);
    process.exit(1);
  },
);
