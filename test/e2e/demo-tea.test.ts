import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { seedTeaDemo } from '../../src/demos/tea.js';
import { PARTY_GLN } from '../../src/demos/tea-story.js';
import {
  DEMO_ORGS,
  DEMO_PASSWORD,
  demoAdminKey,
  ensureDemoConsortium,
  seedDemoData,
} from '../../src/node/demo.js';
import { GongzhiNode, loadNodeConfig } from '../../src/node/index.js';
import { TraceRecorder } from '../../src/node/trace-recorder.js';
import { TRACE_DOCUMENTS_FILE, TraceDocumentStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo tea', () => {
  it('a West Lake season on the ledger; counterfeit and over-capacity batches, a diverted case and a wrong receiver refused; a cloned code flagged', async () => {
    const demo = findDemo('tea');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-tea-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(r.recorded).toBe(13);
      expect(r.stored).toBe(13);
      expect(r.counterfeit).toBe('TRACE_UNKNOWN_ORIGIN');
      expect(r.overCapacity).toBe('TRACE_OVER_CAPACITY');
      expect(r.notCustodian).toBe('TRACE_NOT_CUSTODIAN');
      // The packer takes in leaf addressed to the factory: refused, the lot left in transit to the
      // factory (nothing written), which then receives it.
      expect(r.notDestination).toBe('TRACE_NOT_DESTINATION');
      expect(r.heldWhileRefused).toEqual({ custodian: 'shifeng-coop', to: `417/${PARTY_GLN.factory}` });
      expect(r.addresseeReceived).toBe('ok');
      expect(r.flagged).toBe(true);
      expect(r.places).toEqual(['杭州 Hangzhou', '上海 Shanghai', '北京 Beijing', '广州 Guangzhou']);
      expect(r.traceEvents).toBe(13);
      expect(r.verified).toBe(13);
      expect(r.gardens).toEqual(['shifeng-01']);
      expect(steps.join('\n')).toMatch(/flagged as a cloned code/);
      expect(steps.join('\n')).toMatch(
        /taken in by the packer: refused TRACE_NOT_DESTINATION; received by the factory: ok/,
      );
    } finally {
      tmp.remove();
    }
  });

  it('seeds the npm start demo node with the story, once (a restart finds it)', async () => {
    const tmp = tempDir('gongzhi-demo-tea-seed-');
    const start = async () => {
      const cfg = await loadNodeConfig(await ensureDemoConsortium(tmp.dir), DEMO_PASSWORD);
      return GongzhiNode.start({
        nodeId: cfg.file.nodeId,
        org: cfg.file.org,
        nodeSecretKey: cfg.nodeSecretKey,
        genesis: cfg.genesis,
        dataDir: cfg.dataDir,
        logger: pino({ level: 'silent' }),
      });
    };
    try {
      let node = await start();
      const committee = await Promise.all(DEMO_ORGS.map((o) => demoAdminKey(tmp.dir, o.id)));
      await seedDemoData(node, tmp.dir, () => {});
      const path = await seedTeaDemo(node, committee, () => {});
      expect(path).toMatch(/^\/01\/\d{14}\/10\/LJ250402\/21\/0001$/);
      const g = node.group('governance');
      const trace = g.query('trace', 'trace', { id: `https://x${path}` }) as {
        events: { hash: string }[];
        scans: { flagged: boolean };
      };
      expect(trace.events).toHaveLength(13);
      expect(trace.scans.flagged).toBe(true);
      const store = TraceDocumentStore.open(join(node.opts.dataDir, TRACE_DOCUMENTS_FILE));
      const rec = new TraceRecorder(g, store);
      expect(trace.events.every((e) => rec.served(e.hash).matches)).toBe(true);
      store.close();
      const height = g.latest.height;
      await node.close();
      node = await start();
      expect(await seedTeaDemo(node, committee, () => {})).toBe(path);
      expect(node.group('governance').latest.height).toBe(height);
      await node.close();
    } finally {
      tmp.remove();
    }
  });
});
