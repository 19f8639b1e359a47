/** How a node joins the consortium's ordering service. */
export interface NetworkOptions {
  /** NATS URLs, e.g. ["tls://127.0.0.1:4222"]. */
  readonly servers: readonly string[];
  /** This organisation's NATS credentials. */
  readonly user?: string;
  readonly pass?: string;
  /** PEM files for TLS: the consortium CA, and optionally a client certificate and key. */
  readonly tls?: { readonly ca: string; readonly cert?: string; readonly key?: string };
  /** Stream replicas (default 3). */
  readonly replicas?: number;
  /** Stream duplicate window in ms (default 10 minutes). */
  readonly duplicateWindowMs?: number;
  /** Stream retention in ms; 0 keeps everything (default). */
  readonly maxAgeMs?: number;
  /** Reply-subject prefix (default `_INBOX`); per organisation, so NATS permissions can keep replies private. */
  readonly inboxPrefix?: string;
  /** Other nodes' API URLs, used to catch up when the stream no longer holds old messages. */
  readonly peers?: readonly string[];
  /** Organisations (percent) whose signatures make a block final (default 67). */
  readonly quorumPercent?: number;
  /**
   * How long a pack of admitted transactions is retried against the ordering service before its
   * transactions are dropped (ORDERING_UNAVAILABLE), ms (default 30 s). Cut markers and block
   * signatures are retried for as long as they are needed, whatever this says.
   */
  readonly publishBudgetMs?: number;
  /**
   * A repair message older than this when read (by its stream timestamp) is history, not a request
   * to relay a certificate, ms (default 30 s). A restarted node reads the whole signature stream:
   * it must not answer every repair round the stream has ever held.
   */
  readonly relayMaxAgeMs?: number;
}
