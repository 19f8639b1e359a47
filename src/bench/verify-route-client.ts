/**
 * The verify-route bench's client in a process of its own (forked by identity-verify-route.ts),
 * so that the server's CPU per verification is measured without the client's: it posts the
 * bodies it is sent, `concurrency` at a time on a keep-alive agent, and answers the wall time
 * and how many answers were valid.
 */
import { Agent, request } from 'node:http';

interface Job {
  readonly url: string;
  readonly bodies: readonly string[];
  readonly concurrency: number;
}

function post(agent: Agent, url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

process.once('message', async (job: Job) => {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  let next = 0;
  let valid = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.bodies.length) {
        const r = JSON.parse(await post(agent, job.url, job.bodies[next++] ?? '')) as { valid?: unknown };
        if (r.valid === true) valid++;
      }
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  process.send?.({ ms, valid }, () => process.exit(0));
});
