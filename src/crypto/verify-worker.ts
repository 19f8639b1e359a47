import { parentPort } from 'node:worker_threads';
import { isSuiteId } from './suite.js';
import { getSuite } from './suites.js';
import { decodeBatch, type VerifyRequest, type VerifyResponse, verifyItems } from './verify-batch.js';

/**
 * Worker entry of VerifyPool (compiled to dist/crypto/verify-worker.js). Each message is one
 * packed batch; the answer transfers back one byte per item. Imported outside a worker it does nothing.
 */
function handle(req: VerifyRequest): { res: VerifyResponse; transfer: ArrayBuffer[] } {
  if (!isSuiteId(req.suite))
    return { res: { id: req.id, ok: false, message: 'unknown suite' }, transfer: [] };
  const items = decodeBatch(req.buf);
  if (items === undefined)
    return { res: { id: req.id, ok: false, message: 'malformed batch' }, transfer: [] };
  const results = verifyItems(getSuite(req.suite), items);
  return {
    res: { id: req.id, ok: true, results: results.buffer as ArrayBuffer },
    transfer: [results.buffer as ArrayBuffer],
  };
}

parentPort?.on('message', (req: VerifyRequest) => {
  let out: { res: VerifyResponse; transfer: ArrayBuffer[] };
  try {
    out = handle(req);
  } catch (e) {
    out = {
      res: { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) },
      transfer: [],
    };
  }
  parentPort?.postMessage(out.res, out.transfer);
});
