/** What WalCheckpointer hands its worker. */
export interface CheckpointWorkerData {
  readonly path: string;
  readonly intervalMs: number;
}

export function isCheckpointWorkerData(v: unknown): v is CheckpointWorkerData {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.path === 'string' && typeof o.intervalMs === 'number';
}
