import { parentPort } from 'node:worker_threads';
import { type CallRequest, type CallResponse, callEach, isCallRequest } from './pool-call.js';
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

async function handleCall(req: CallRequest): Promise<void> {
  let res: CallResponse;
  try {
    res = { id: req.id, ok: true, outputs: await callEach(req.call.entry, req.call.fn, req.call.inputs) };
  } catch (e) {
    res = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(res);
}

parentPort?.on('message', (req: unknown) => {
  if (isCallRequest(req)) {
    void handleCall(req);
    return;
  }
  handleVerify(req as VerifyRequest);
});

function handleVerify(req: VerifyRequest): void {
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
}
