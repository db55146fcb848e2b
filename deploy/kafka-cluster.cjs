// @ts-check
/**
 * The Kafka cluster the stage functions' event source mappings read in the AWS stage, from the
 * environment (serverless.yml `params.aws` reads these functions; lists are comma-separated):
 *
 *   KAFKA_SOURCE                msk (default) | kafka
 *   MSK_CLUSTER_ARN             msk: the cluster ARN (IAM access control, or SCRAM with a secret)
 *   KAFKA_BOOTSTRAP_SERVERS     kafka: host:port,host:port
 *   KAFKA_SASL_SECRET_ARN       Secrets Manager secret with {"username","password"}; kafka: SASL for the
 *                              mappings; msk: SASL/SCRAM-SHA-512 for them (the secret's name must
 *                              start with AmazonMSK_)
 *   KAFKA_SASL_MECHANISM        kafka: scram-sha-512 (default) | scram-sha-256 | plain
 *                              msk: aws-msk-iam lets the functions' own producers sign in with their
 *                              role (IAM access control); their role gets the kafka-cluster:* actions
 *   KAFKA_VPC_SUBNETS           kafka, cluster inside a VPC: subnet-...,subnet-...
 *   KAFKA_VPC_SECURITY_GROUPS   kafka, cluster inside a VPC: sg-...,sg-...
 *   KAFKA_ROOT_CA_SECRET_ARN    kafka, optional: the broker certificate's root CA (private CA)
 *   KAFKA_SASL_SECRET_KMS_KEY_ARN  optional: the customer managed key encrypting KAFKA_SASL_SECRET_ARN
 *                              (MSK SCRAM secrets must use one)
 *
 * KAFKA_SASL_SECRET_ARN also gives the functions' own producers their credentials (lib/kafka/credentials.ts),
 * with either source: iamStatements lets the functions' role read it.
 *
 * Settings of the source not chosen resolve to null, so serverless.yml falls back to inert
 * placeholders; a missing setting of the chosen one stops `serverless package` with its name.
 */

const SOURCES = ['msk', 'kafka'];
const MSK_IAM = 'aws-msk-iam';
const IAM_NEEDS_MSK = `KAFKA_SASL_MECHANISM=${MSK_IAM} is Amazon MSK's: it needs KAFKA_SOURCE=msk`;
/** Whether the functions' own clients sign in to MSK with their role (IAM access control). */
const producersUseIam = () => text('KAFKA_SASL_MECHANISM') === MSK_IAM;
const SASL = {
  'scram-sha-512': 'saslScram512Auth',
  'scram-sha-256': 'saslScram256Auth',
  plain: 'saslPlainAuth',
};

/** @param {string} name */
const text = (name) => (process.env[name] ?? '').trim();

/** @param {string} name */
const list = (name) =>
  text(name)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** @param {string} message */
const fail = (message) => {
  throw new Error(`AWS stage Kafka settings: ${message} (see README, Deploying)`);
};

const source = () => {
  const chosen = text('KAFKA_SOURCE') || 'msk';
  if (!SOURCES.includes(chosen)) fail(`KAFKA_SOURCE must be msk or kafka, not ${JSON.stringify(chosen)}`);
  return chosen;
};

const mskClusterArn = () => {
  if (source() !== 'msk') return null;
  const arn = text('MSK_CLUSTER_ARN');
  if (!/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/.+/.test(arn)) {
    fail(
      'KAFKA_SOURCE=msk needs MSK_CLUSTER_ARN, e.g. arn:aws:kafka:ap-northeast-2:123456789012:cluster/name/uuid',
    );
  }
  return arn;
};

const bootstrapServers = () => {
  if (source() !== 'kafka') return null;
  const servers = list('KAFKA_BOOTSTRAP_SERVERS');
  if (servers.length === 0) fail('KAFKA_SOURCE=kafka needs KAFKA_BOOTSTRAP_SERVERS (host:port,host:port)');
  const bad = servers.filter((s) => !/^[^\s:/]+:\d{1,5}$/.test(s));
  if (bad.length > 0) fail(`KAFKA_BOOTSTRAP_SERVERS entries must be host:port: ${bad.join(', ')}`);
  return servers;
};

const accessConfigurations = () => {
  if (source() !== 'kafka') return null;
  /** @type {Record<string, string[]>} */
  const access = {};
  const secret = text('KAFKA_SASL_SECRET_ARN');
  const mechanism = text('KAFKA_SASL_MECHANISM') || 'scram-sha-512';
  if (mechanism === MSK_IAM) fail(IAM_NEEDS_MSK);
  const key = SASL[/** @type {keyof typeof SASL} */ (mechanism)];
  if (!key) fail(`KAFKA_SASL_MECHANISM must be one of ${Object.keys(SASL).join(', ')}`);
  if (secret) access[key] = [secret];
  const subnets = list('KAFKA_VPC_SUBNETS');
  const groups = list('KAFKA_VPC_SECURITY_GROUPS');
  if (subnets.length > 0 !== groups.length > 0) {
    fail('KAFKA_VPC_SUBNETS and KAFKA_VPC_SECURITY_GROUPS go together (both or neither)');
  }
  if (subnets.length > 0) {
    access.vpcSubnet = subnets;
    access.vpcSecurityGroup = groups;
  }
  const rootCa = text('KAFKA_ROOT_CA_SECRET_ARN');
  if (rootCa) access.serverRootCaCertificate = [rootCa];
  if (!secret && subnets.length === 0) {
    fail(
      'KAFKA_SOURCE=kafka needs KAFKA_SASL_SECRET_ARN and/or KAFKA_VPC_SUBNETS with KAFKA_VPC_SECURITY_GROUPS',
    );
  }
  return access;
};

const ARN = {
  secret: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
  key: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/,
};

/** What the functions' role needs to read the credentials secret itself (none without one). */
const secretStatements = () => {
  const secret = text('KAFKA_SASL_SECRET_ARN');
  const key = text('KAFKA_SASL_SECRET_KMS_KEY_ARN');
  if (!secret) {
    if (key) fail('KAFKA_SASL_SECRET_KMS_KEY_ARN is only used with KAFKA_SASL_SECRET_ARN');
    return [];
  }
  if (!ARN.secret.test(secret))
    fail(`KAFKA_SASL_SECRET_ARN must be a Secrets Manager secret ARN, not ${JSON.stringify(secret)}`);
  if (key && !ARN.key.test(key))
    fail(`KAFKA_SASL_SECRET_KMS_KEY_ARN must be a KMS key ARN, not ${JSON.stringify(key)}`);
  return [
    { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] },
    ...(key ? [{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key] }] : []),
  ];
};

/**
 * MSK's IAM access control authorises every Kafka request against the role: the event source
 * mappings read with the functions' role (the framework only grants kafka:DescribeCluster and
 * kafka:GetBootstrapBrokers), and with KAFKA_SASL_MECHANISM=aws-msk-iam so do the functions' own
 * producers and admin calls. Harmless on a cluster that uses SCRAM or no authentication.
 */
const mskStatements = () => {
  if (source() !== 'msk') return [];
  const producersSignIn = producersUseIam();
  const cluster = /** @type {string} */ (mskClusterArn());
  // arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid> → the same cluster's topics and groups.
  /** @param {'topic' | 'group'} kind */
  const within = (kind) => `${cluster.replace(':cluster/', `:${kind}/`)}/*`;
  const allow = (/** @type {string[]} */ actions, /** @type {string} */ resource) => ({
    Effect: 'Allow',
    Action: actions.map((action) => `kafka-cluster:${action}`),
    Resource: [resource],
  });
  return [
    allow(
      [
        'Connect',
        'DescribeClusterDynamicConfiguration',
        ...(producersSignIn ? ['DescribeCluster', 'WriteDataIdempotently'] : []),
      ],
      cluster,
    ),
    allow(
      [
        'DescribeTopic',
        'ReadData',
        ...(producersSignIn ? ['WriteData', 'CreateTopic', 'DescribeTopicDynamicConfiguration'] : []),
      ],
      within('topic'),
    ),
    allow(['DescribeGroup', 'AlterGroup'], within('group')),
  ];
};

/** The functions' role: what their own Kafka clients and their event source mappings need. */
const iamStatements = () => {
  if (producersUseIam() && source() !== 'msk') fail(IAM_NEEDS_MSK);
  if (producersUseIam() && text('KAFKA_SASL_SECRET_ARN'))
    fail(`KAFKA_SASL_MECHANISM=${MSK_IAM} signs in with the functions' role: unset KAFKA_SASL_SECRET_ARN`);
  return [...secretStatements(), ...mskStatements()];
};

/**
 * MSK with SASL/SCRAM: the mappings sign in with the same secret as the functions' producers.
 * MSK only associates secrets named AmazonMSK_… and only offers SCRAM-SHA-512.
 */
const mskSaslScram512 = () => {
  const secret = text('KAFKA_SASL_SECRET_ARN');
  if (source() !== 'msk' || !secret) return null;
  if (!/:secret:AmazonMSK_/.test(secret))
    fail(
      `MSK only accepts SCRAM secrets named AmazonMSK_…: KAFKA_SASL_SECRET_ARN is ${JSON.stringify(secret)}`,
    );
  const mechanism = text('KAFKA_SASL_MECHANISM') || 'scram-sha-512';
  if (mechanism !== 'scram-sha-512')
    fail(
      `MSK's SASL/SCRAM is SCRAM-SHA-512: KAFKA_SASL_MECHANISM=${mechanism} does not go with KAFKA_SASL_SECRET_ARN`,
    );
  return secret;
};

module.exports = {
  mskSaslScram512,
  source,
  mskClusterArn,
  bootstrapServers,
  accessConfigurations,
  iamStatements,
};
