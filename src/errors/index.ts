export { ERROR_CODES, type ErrorCode, httpStatusFor, isErrorCode } from './codes.js';
export { ensure, GongzhiError, type ErrorDetails, isGongzhiError } from './gongzhi-error.js';
