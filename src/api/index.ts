export { evidenceCertificate } from './evidence-certificate.js';
export {
  buildServer,
  errorBody,
  type RunningServer,
  type ServerOptions,
  type StartOptions,
  startServer,
  toApiError,
} from './server.js';
