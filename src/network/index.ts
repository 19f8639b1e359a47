export { type DownResult, networkDown } from './down.js';
export { initNetwork, type NetworkInitOptions, type NetworkInitResult } from './init.js';
export {
  LAYOUT,
  type NetworkFile,
  type NetworkNode,
  type NetworkServer,
  type OperatorCredentials,
  readNetwork,
  readOperator,
} from './layout.js';
export { type NatsServerConfig, type NatsUser, renderNatsConfig } from './nats-config.js';
export { orgPermissions, type SubjectPermissions } from './permissions.js';
export {
  isAlive,
  isRunning,
  type PidEntry,
  type PidFile,
  portFree,
  portOpen,
  readPids,
} from './processes.js';
export {
  formatStatus,
  type GroupStatus,
  type NetworkStatus,
  type NodeStatus,
  networkStatus,
  type ServerStatus,
  unhealthy,
} from './status.js';
export { createCa, issueServerCert, opensslAvailable } from './tls.js';
export {
  createStreams,
  defaultCliPath,
  health,
  natsServerBinary,
  networkUp,
  startNatsServers,
  startNodes,
  type UpOptions,
  type UpResult,
} from './up.js';
