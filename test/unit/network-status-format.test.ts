import { describe, expect, it } from 'vitest';
import { formatStatus, type NetworkStatus, unhealthy } from '../../src/network/index.js';

describe('network status shows what /health says', () => {
  const s: NetworkStatus = {
    servers: [{ name: 'n1', url: 'tls://127.0.0.1:14222', process: 'running', health: 'ok', pid: 10 }],
    nodes: [
      {
        org: 'a',
        url: 'http://127.0.0.1:7700',
        process: 'running',
        health: 'degraded',
        groups: [
          {
            id: 'main',
            height: 90,
            finalHeight: 10,
            mempool: 1,
            ordering: { reachable: false },
            lastCutAgeMs: 42_000,
            finalLag: 80,
            degraded: ['ordering unreachable (no responders)', 'final height 80 blocks behind the head'],
          },
        ],
      },
      {
        org: 'b',
        url: 'http://127.0.0.1:7701',
        process: 'running',
        health: 'ok',
        groups: [
          {
            id: 'main',
            height: 90,
            ordering: { reachable: true, leader: 'n2' },
            lastCutAgeMs: 500,
            readSeq: 4711,
          },
        ],
      },
      {
        org: 'c',
        url: 'http://127.0.0.1:7702',
        process: 'running',
        health: 'halted',
        groups: [{ id: 'main', height: 88, halted: 'NODE_RECOVERING: this node is replacing blocks' }],
      },
    ],
  };

  it('prints ordering reachability, the last cut and every degraded reason', () => {
    const text = formatStatus(s);
    expect(text).toMatch(/ORDERING +READ +LAST CUT/);
    expect(text).toContain('4711');
    expect(text).toContain('c/main: halted, NODE_RECOVERING: this node is replacing blocks');
    expect(text).toContain('UNREACHABLE');
    expect(text).toContain('ok (n2)');
    expect(text).toContain('42.0 s ago');
    expect(text).toContain('a/main: ordering unreachable (no responders)');
    expect(text).toContain('a/main: final height 80 blocks behind the head');
  });

  it('counts a degraded node as unhealthy (status exits 1)', () => {
    expect(unhealthy(s)).toEqual(['node a (degraded)', 'node c (halted)']);
  });
});
