import { describe, expect, it } from 'vitest';
import { readNetworkSection } from '../../src/node/network-section.js';

const ok = {
  servers: ['tls://127.0.0.1:4222', 'tls://127.0.0.1:4223'],
  user: 'org-a',
  pass: 'secret',
  tls: { ca: '../ca/ca.pem' },
  inboxPrefix: '_INBOX_org-a',
  replicas: 3,
  quorumPercent: 67,
  peers: ['http://127.0.0.1:7701'],
  publishBudgetMs: 30_000,
  relayMaxAgeMs: 30_000,
};

describe('the network section of a node config', () => {
  it('reads what network init writes, field for field', () => {
    expect(readNetworkSection(ok, '/x/nodes/a.json')).toEqual(ok);
    expect(readNetworkSection({ servers: ['nats://127.0.0.1:4222'] }, 'p')).toEqual({
      servers: ['nats://127.0.0.1:4222'],
    });
  });

  it.each([
    [{ ...ok, quorumPrecent: 67 }, 'network has unknown field "quorumPrecent"'],
    [{ ...ok, servers: [] }, 'network.servers must be a non-empty list of NATS URLs'],
    [{ ...ok, servers: 'tls://127.0.0.1:4222' }, 'network.servers must be an array'],
    [
      { ...ok, servers: ['not a url'] },
      'network.servers must be a list of NATS URLs ("not a url" is not one)',
    ],
    [{ ...ok, peers: ['ftp://x'] }, 'network.peers must be a list of http(s) URLs'],
    [{ ...ok, quorumPercent: '67' }, 'network.quorumPercent must be an unsigned integer ≤ 100'],
    [{ ...ok, quorumPercent: 0 }, 'network.quorumPercent must be an integer in 1..100'],
    [{ ...ok, quorumPercent: 101 }, 'network.quorumPercent must be an unsigned integer ≤ 100'],
    [{ ...ok, replicas: 7 }, 'network.replicas must be an unsigned integer ≤ 5'],
    [{ ...ok, publishBudgetMs: 0 }, 'network.publishBudgetMs must be an integer of ms'],
    [{ ...ok, relayMaxAgeMs: 1.5 }, 'network.relayMaxAgeMs must be an unsigned integer'],
    [{ ...ok, tls: { ca: 'x', crt: 'y' } }, 'network.tls has unknown field "crt"'],
    [{ ...ok, tls: {} }, 'network.tls.ca must be present'],
    [['tls://127.0.0.1:4222'], 'network must be a map'],
  ])('refuses %j with CONFIG_INVALID naming the field', (v, message) => {
    let err: unknown;
    try {
      readNetworkSection(v, '/x/nodes/a.json');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', details: { path: '/x/nodes/a.json' } });
    expect((err as Error).message).toContain(message);
  });
});
