import { readFileSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { GongzhiError } from '../errors/index.js';
import type { NetworkOptions } from './network-options.js';

/** Connect to the consortium's NATS servers with this organisation's credentials (and TLS when configured). */
export async function connectNats(net: NetworkOptions): Promise<NatsConnection> {
  try {
    return await connect({
      servers: [...net.servers],
      name: 'gongzhi-node',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...(net.inboxPrefix === undefined ? {} : { inboxPrefix: net.inboxPrefix }),
      ...(net.user === undefined ? {} : { user: net.user }),
      ...(net.pass === undefined ? {} : { pass: net.pass }),
      ...(net.tls
        ? {
            tls: {
              ca: readFileSync(net.tls.ca, 'utf8'),
              ...(net.tls.cert ? { cert: readFileSync(net.tls.cert, 'utf8') } : {}),
              ...(net.tls.key ? { key: readFileSync(net.tls.key, 'utf8') } : {}),
            },
          }
        : {}),
    });
  } catch (e) {
    throw new GongzhiError(
      'ORDERING_UNAVAILABLE',
      `cannot connect to NATS ${net.servers.join(',')}: ${(e as Error).message}`,
    );
  }
}
