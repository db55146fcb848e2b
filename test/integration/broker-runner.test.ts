import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brokerStatus, ensureBroker, KAFKA_VERSION } from '../../scripts/broker';

// Uses the broker the global setup ensured and never starts or stops it: other suites share it.
describe('local broker runner', () => {
  it('status reports the running broker', async () => {
    const status = await brokerStatus();

    expect(status.running).toBe(true);
    expect(status.clusterId).toEqual(expect.any(String));
    expect(status.brokers.length).toBeGreaterThan(0);
    if (status.mode === 'java') {
      expect(status.nodes).toEqual([
        expect.objectContaining({ id: 1, running: true, pid: expect.any(Number) }),
      ]);
    }
  });

  it('ensureBroker reuses the running broker', async () => {
    const first = await ensureBroker();
    const started = Date.now();
    const second = await ensureBroker();

    expect(Date.now() - started).toBeLessThan(5000);
    expect(first.startedHere).toBe(false);
    expect(second).toEqual(first);
  });

  it('pins one Kafka version for the Java runner and docker-compose.yml', () => {
    const read = (file: string) => readFileSync(path.resolve(__dirname, '../..', file), 'utf8');

    expect(read('docker-compose.yml')).toContain(`image: apache/kafka:${KAFKA_VERSION} `);
    expect(read('scripts/broker/pom.xml')).toContain(`<kafka.version>${KAFKA_VERSION}</kafka.version>`);
  });
});
