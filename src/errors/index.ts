export {
  CORE_ERRORS,
  CodeTableError,
  type CoreErrorCode,
  type ErrorCode,
  type ErrorSpec,
  type ErrorTable,
  errorTable,
  type HintLang,
  hintFor,
  hintLangOf,
  httpStatusFor,
  isErrorCode,
  looksLikeErrorCode,
  type ModuleErrorCodes,
  registerErrorTable,
} from './codes.js';
export { type ErrorDetails, ensure, GongzhiError, isGongzhiError } from './gongzhi-error.js';
