export { HighstateError, isHighstateError } from "@highstate/contract";
export { type ErrorCode, type ErrorKind, errorCodes, errorKind, exitCodeForKind, isErrorCode } from "./codes.js";
