/**
 * The verify-route bench's client in a process of its own (forked by identity-verify-route.ts),
 * so that the server's CPU per verification is measured without the client's. On a 2-core
 * machine the client's CPU competes with the server's, so by default it is as cheap as a client
 * can be: each request is built into one buffer before the clock starts, written on a plain
 * keep-alive TCP socket, and the answer framed by its Content-Length (what Fastify sends; a
 * chunked answer is refused, not guessed at). `kind: 'http'` runs node:http's client on a
 * keep-alive Agent instead, for comparison. Each job answers the wall time, the latencies, how
 * many answers were valid, and this process's CPU over the job.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface ClientJob {
  readonly url: string;
  readonly bodies: readonly string[];
  /** Requests in flight at once (one socket each); 1: one at a time. */
  readonly concurrency: number;
  readonly kind: 'raw' | 'http';
}

export interface ClientAnswer {
  readonly ms: number;
  readonly valid: number;
  /** Latency of each request, ms, sorted. */
  readonly latencies: readonly number[];
  /** This process's CPU (user + system) over the job, µs. */
  readonly cpuUs: number;
}

function postHttp(agent: Agent, url: string, body: string): Promise<string> {
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

const HEAD_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection, one request at a time: write a prebuilt request, read one answer. */
class RawConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((body: string) => void) | undefined;
  private failed: ((e: Error) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => {
      this.buf = this.buf.length === 0 ? c : Buffer.concat([this.buf, c]);
      this.parse();
    });
    const fail = (e: Error) => {
      const f = this.failed;
      this.waiting = undefined;
      this.failed = undefined;
      f?.(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  static open(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => {
        s.off('error', reject);
        resolve(new RawConnection(s));
      });
      s.once('error', reject);
    });
  }

  send(req: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.socket.write(req);
    });
  }

  private parse(): void {
    const end = this.buf.indexOf(HEAD_END);
    if (end < 0 || this.waiting === undefined) return;
    const head = this.buf.toString('latin1', 0, end).toLowerCase();
    if (head.includes('transfer-encoding:')) {
      this.failed?.(new Error('chunked answer: this client frames by content-length only'));
      return;
    }
    const m = /\r\ncontent-length:\s*(\d+)/.exec(head);
    const length = m === null ? 0 : Number(m[1]);
    const total = end + HEAD_END.length + length;
    if (this.buf.length < total) return;
    const body = this.buf.toString('utf8', end + HEAD_END.length, total);
    this.buf = this.buf.subarray(total);
    const done = this.waiting;
    this.waiting = undefined;
    this.failed = undefined;
    done(body);
  }

  close(): void {
    this.socket.destroy();
  }
}

async function run(job: ClientJob): Promise<ClientAnswer> {
  const u = new URL(job.url);
  const port = Number(u.port);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const raws =
    job.kind === 'raw'
      ? await Promise.all(Array.from({ length: job.concurrency }, () => RawConnection.open(u.hostname, port)))
      : [];
  const requests =
    job.kind === 'raw'
      ? job.bodies.map((b) => {
          const body = Buffer.from(b, 'utf8');
          const head =
            `POST ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: application/json\r\n` +
            `content-length: ${body.length}\r\n\r\n`;
          return Buffer.concat([Buffer.from(head, 'latin1'), body]);
        })
      : [];
  let next = 0;
  let valid = 0;
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async (_, c) => {
      while (next < job.bodies.length) {
        const i = next++;
        const t = performance.now();
        const text =
          job.kind === 'raw'
            ? await (raws[c] as RawConnection).send(requests[i] as Buffer)
            : await postHttp(agent, job.url, job.bodies[i] ?? '');
        latencies.push(performance.now() - t);
        if ((JSON.parse(text) as { valid?: unknown }).valid === true) valid++;
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  for (const r of raws) r.close();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { ms, valid, latencies, cpuUs: cpu.user + cpu.system };
}

process.on('message', (job: ClientJob) => {
  run(job).then(
    (a) => process.send?.(a),
    (e: unknown) => {
      process.send?.({ error: String(e) });
    },
  );
});
