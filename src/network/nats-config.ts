import type { SubjectPermissions } from './permissions.js';

/** A NATS user in the server's `authorization` block; no permissions = full rights (the operator). */
export interface NatsUser {
  readonly user: string;
  readonly pass: string;
  readonly permissions?: SubjectPermissions;
  /** Shown as a comment above the entry. */
  readonly comment?: string;
}

export interface NatsServerConfig {
  readonly name: string;
  readonly host: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  /** Route URLs of every server of the cluster (this one included; the server skips itself). */
  readonly routes: readonly string[];
  readonly clusterName: string;
  /** Absolute paths: nats-server resolves relative ones against its working directory. */
  readonly storeDir: string;
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly users: readonly NatsUser[];
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: readonly string[], indent: string) =>
  xs.length === 0 ? '[]' : `[\n${xs.map((x) => `${indent}  ${q(x)}`).join(',\n')}\n${indent}]`;

/** Render a nats-server configuration file (nats-server 2.9 syntax). */
export function renderNatsConfig(c: NatsServerConfig): string {
  const users = c.users.map((u) => {
    const lines = [
      `    # ${u.comment ?? u.user}`,
      `    {`,
      `      user: ${q(u.user)}`,
      `      password: ${q(u.pass)}`,
    ];
    if (u.permissions) {
      lines.push(
        '      permissions: {',
        `        publish: { allow: ${list(u.permissions.publish, '        ')} }`,
        `        subscribe: { allow: ${list(u.permissions.subscribe, '        ')} }`,
        '      }',
      );
    }
    lines.push('    }');
    return lines.join('\n');
  });
  const tls = (extra: string[]) =>
    [
      `    cert_file: ${q(c.cert)}`,
      `    key_file: ${q(c.key)}`,
      `    ca_file: ${q(c.ca)}`,
      '    timeout: 5',
      ...extra.map((x) => `    ${x}`),
    ].join('\n');
  // A single server runs JetStream standalone: a cluster block without routes makes it refuse to start.
  const cluster =
    c.routes.length === 0
      ? ''
      : `# Routes between the servers: mutual TLS, both sides present a certificate signed by the consortium CA.
cluster {
  name: ${q(c.clusterName)}
  listen: ${q(`${c.host}:${c.clusterPort}`)}
  tls {
${tls(['verify: true'])
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
  }
  routes: ${list(c.routes, '  ')}
}

`;
  return `# Gongzhi consortium NATS server ${c.name} — written by \`gongzhi network init\`.
# Contains the organisations' NATS passwords: keep it readable by the operator only.
server_name: ${q(c.name)}
listen: ${q(`${c.host}:${c.clientPort}`)}
# Monitoring (/healthz, /varz, /jsz); plain HTTP, bound to ${c.host} only.
http: ${q(`${c.host}:${c.monitorPort}`)}

# Clients (the organisations' nodes) must use TLS; they verify this server's certificate against the consortium CA.
tls {
${tls([])}
}

jetstream {
  store_dir: ${q(c.storeDir)}
}

${cluster}# One user per organisation, allowed only the subjects of the groups it belongs to.
authorization {
  users: [
${users.join(',\n')}
  ]
}
`;
}
