/**
 * A single-node broker that only speaks SASL over TLS: the shape of a production listener, for the
 * tests that prove the functions authenticate and encrypt (test/faults/secure-broker.test.ts).
 * The caller brings the key material (a PKCS#12 keystore whose certificate names localhost, and the
 * CA that signed it) and the client accounts; SCRAM accounts are written at `format` time, as KRaft
 * requires, and PLAIN accounts live in the listener's JAAS line.
 */
import path from 'node:path';
import type { Sasl } from '../../lib/config';
import { type ClusterLayout, COMMON_SETTINGS, type NodeLayout, replicationSettings } from './layout';

export interface SecureBrokerOptions {
  /** Folder for the broker's data, logs, config and pid; the caller owns and removes it. */
  dir: string;
  port: number;
  controllerPort: number;
  keystore: { file: string; password: string };
  truststore: { file: string; password: string };
  /** PEM of the CA that signed the broker certificate: what clients trust. */
  caPem: string;
  /** Client accounts; each mechanism listed here is enabled on the listener. */
  accounts: Sasl[];
  /**
   * Also offer SASL/OAUTHBEARER, the mechanism MSK's IAM access control speaks. Kafka's own
   * validator accepts only unsigned JWTs, so an MSK token reaches the broker and is refused there.
   */
  oauthBearer?: boolean;
}

const JAAS = {
  plain: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  scram: 'org.apache.kafka.common.security.scram.ScramLoginModule',
  oauthBearer: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule',
};

// The broker talks to itself over the same listener (PLAIN, with an account of its own), so no
// unauthenticated listener exists at all besides the controller's loopback one.
const BROKER_ACCOUNT = { username: 'broker', password: 'broker-secret-0' };

const jaasValue = (value: string): string => {
  if (!/^[\w.@-]+$/.test(value)) {
    throw new Error(`Secure broker account names and passwords must be [A-Za-z0-9_.@-], not ${value}`);
  }
  return value;
};

export function secureLayout(options: SecureBrokerOptions): ClusterLayout {
  const node: NodeLayout = {
    id: 1,
    address: `localhost:${options.port}`,
    listen: `127.0.0.1:${options.port}`,
    controller: `127.0.0.1:${options.controllerPort}`,
    dataDir: path.join(options.dir, 'data'),
    logDir: path.join(options.dir, 'logs'),
    propertiesFile: path.join(options.dir, 'server.properties'),
    pidFile: path.join(options.dir, 'broker.pid'),
  };
  const plainUsers = options.accounts
    .filter((a) => a.mechanism === 'plain')
    .map((a) => `user_${jaasValue(a.username)}="${jaasValue(a.password)}"`);
  const scram = options.accounts.filter((a) => a.mechanism !== 'plain');
  const mechanisms = [...new Set(['plain', ...options.accounts.map((a) => a.mechanism)])];
  const { username, password } = BROKER_ACCOUNT;
  const jaas: Record<string, string> = {
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `${JAAS.plain} required username="${username}" password="${password}" user_${username}="${password}" ${plainUsers.join(' ')};`,
  };
  for (const mechanism of mechanisms.filter((m) => m !== 'plain')) {
    jaas[`listener.name.sasl_ssl.${mechanism}.sasl.jaas.config`] = `${JAAS.scram} required;`;
  }
  const enabled = mechanisms.map((m) => m.toUpperCase());
  if (options.oauthBearer) {
    enabled.push('OAUTHBEARER');
    jaas['listener.name.sasl_ssl.oauthbearer.sasl.jaas.config'] = `${JAAS.oauthBearer} required;`;
  }
  return {
    name: 'secure',
    size: 1,
    dir: options.dir,
    nodes: [node],
    brokers: [node.address],
    clusterIdFile: path.join(options.dir, 'cluster-id'),
    stateFile: path.join(options.dir, 'runner.json'),
    lockFile: path.join(options.dir, 'secure.lock'),
    listeners: (n) => ({
      listeners: `SASL_SSL://${n.listen},CONTROLLER://${n.controller}`,
      advertised: `SASL_SSL://${n.address}`,
    }),
    settings: {
      ...COMMON_SETTINGS,
      ...replicationSettings(1, 1),
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
      'inter.broker.listener.name': 'SASL_SSL',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'sasl.enabled.mechanisms': enabled.join(','),
      ...jaas,
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': options.keystore.file,
      'ssl.keystore.password': options.keystore.password,
      'ssl.truststore.type': 'PKCS12',
      'ssl.truststore.location': options.truststore.file,
      'ssl.truststore.password': options.truststore.password,
      'ssl.client.auth': 'none',
    },
    formatArgs: scram.flatMap((a) => [
      '--add-scram',
      `${a.mechanism.toUpperCase()}=[name=${jaasValue(a.username)},password=${jaasValue(a.password)}]`,
    ]),
    probe: {
      ssl: { ca: options.caPem, rejectUnauthorized: true },
      sasl: { mechanism: 'plain', ...BROKER_ACCOUNT },
    },
  };
}
