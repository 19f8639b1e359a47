export { ERROR_CODES, type ErrorCode, httpStatusFor, isErrorCode } from './codes.js';
export { type ErrorDetails, ensure, GongzhiError, isGongzhiError } from './gongzhi-error.js';
