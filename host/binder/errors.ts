// TEMPORARY: removed once the files under reshaping import host/errors directly
export { errorText, isPodeError, PodeError } from '../errors/error.ts';
