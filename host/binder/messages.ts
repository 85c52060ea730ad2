// PowerShell's en-US binding messages (ParameterBinderStrings.resx), one constructor per ErrorId, so every
// text lives in exactly one place.
import { PodeError } from './errors.ts';

const err = (id: string, command: string, message: string, parameter?: string) =>
  new PodeError(id, command, message, { parameter, status: 500 });

export const namedParameterNotFound = (cmd: string, typed: string) =>
  err('NamedParameterNotFound', cmd, `A parameter cannot be found that matches parameter name '${typed}'.`, typed);

export const positionalParameterNotFound = (cmd: string, text: string) =>
  err('PositionalParameterNotFound', cmd, `A positional parameter cannot be found that accepts argument '${text}'.`);

export const missingArgument = (cmd: string, name: string, dotnetType: string) =>
  err(
    'MissingArgument',
    cmd,
    `Missing an argument for parameter '${name}'. Specify a parameter of type '${dotnetType}' and try again.`,
    name,
  );

export const ambiguousParameter = (cmd: string, typed: string, matches: readonly string[]) =>
  err(
    'AmbiguousParameter',
    cmd,
    `Parameter cannot be processed because the parameter name '${typed}' is ambiguous. Possible matches include: ${matches.map((m) => '-' + m).join(' ')}.`,
    typed,
  );

export const parameterAlreadyBound = (cmd: string, name: string) =>
  err(
    'ParameterAlreadyBound',
    cmd,
    `Cannot bind parameter because parameter '${name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`,
    name,
  );

export const ambiguousParameterSet = (cmd: string) =>
  err(
    'AmbiguousParameterSet',
    cmd,
    'Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.',
  );

export const missingMandatory = (cmd: string, names: readonly string[]) =>
  err(
    'MissingMandatoryParameter',
    cmd,
    `Cannot process command because of one or more missing mandatory parameters: ${names.join(' ')}.`,
    names[0],
  );

export const transformationError = (cmd: string, name: string, inner: string) =>
  err('ParameterArgumentTransformationError', cmd, `Cannot process argument transformation on parameter '${name}'. ${inner}`, name);

export const validationError = (cmd: string, name: string, inner: string) =>
  err('ParameterArgumentValidationError', cmd, `Cannot validate argument on parameter '${name}'. ${inner}`, name);

export const nullNotAllowed = (cmd: string, name: string) =>
  err('ParameterArgumentValidationErrorNullNotAllowed', cmd, `Cannot bind argument to parameter '${name}' because it is null.`, name);

export const emptyStringNotAllowed = (cmd: string, name: string) =>
  err(
    'ParameterArgumentValidationErrorEmptyStringNotAllowed',
    cmd,
    `Cannot bind argument to parameter '${name}' because it is an empty string.`,
    name,
  );

export const emptyArrayNotAllowed = (cmd: string, name: string) =>
  err(
    'ParameterArgumentValidationErrorEmptyArrayNotAllowed',
    cmd,
    `Cannot bind argument to parameter '${name}' because it is an empty array.`,
    name,
  );

export const cannotConvertCommon = (cmd: string, name: string, inner: string) =>
  err('CannotConvertArgumentNoMessage', cmd, `Cannot bind parameter '${name}'. ${inner}`, name);

export const inputObjectNotBound = (cmd: string) =>
  err(
    'InputObjectNotBound',
    cmd,
    'The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.',
  );

/** A getter of a splat object threw (ExtendedTypeSystem.resx ExceptionWhenGetting). */
export const exceptionWhenGetting = (cmd: string, key: string, message: string) =>
  err('ExceptionWhenGetting', cmd, `Exception getting "${key}": "${message}"`, key);

/** The arguments themselves could not be read (a Proxy whose traps throw): ParameterBindingException, the class of every binding error. */
export const argumentsUnreadable = (cmd: string, message: string) =>
  err('ParameterBindingException', cmd, `Cannot bind the arguments: reading them threw "${message}".`);

/** Pipeline input whose iterator threw (ExtendedTypeSystem.resx EnumerationException). */
export const enumerationFailed = (cmd: string, message: string) =>
  err('BadEnumeration', cmd, `The following exception occurred while trying to enumerate the collection: "${message}".`);

// ---- inner texts -------------------------------------------------------------------------------

export const innerValidateSet = (value: string, set: readonly string[]) =>
  `The argument "${value}" does not belong to the set "${set.join(',')}" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`;

export const innerNotNullOrEmpty =
  'The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.';

export const innerPattern = (value: string, pattern: string) =>
  `The argument "${value}" does not match the "${pattern}" pattern. Supply an argument that matches "${pattern}" and try the command again.`;

export const innerRangeLow = (value: number, min: number) =>
  `The ${value} argument is less than the minimum allowed range of ${min}. Supply an argument that is greater than or equal to ${min} and then try the command again.`;

export const innerRangeHigh = (value: number, max: number) =>
  `The ${value} argument is greater than the maximum allowed range of ${max}. Supply an argument that is less than or equal to ${max} and then try the command again.`;

export const innerNotFormatted = (text: string, dotnetType: string) =>
  `Cannot convert value "${text}" to type "${dotnetType}". Error: "The input string '${text}' was not in a correct format."`;

export const innerOverflow = (text: string, dotnetType: string) =>
  `Cannot convert value "${text}" to type "${dotnetType}". Error: "Value was either too large or too small for an Int32."`;

export const innerToString = 'Cannot convert value to type System.String.';

/** ExtendedTypeSystem.resx InvalidCastExceptionNoStringForConversion, with its two spaces. */
export const innerNoStringForConversion = (dotnetType: string, message: string) =>
  `Cannot convert value to type "${dotnetType}".  Error: "${message}"`;

export const innerCannotConvert = (text: string, fromType: string, toType: string) =>
  `Cannot convert the "${text}" value of type "${fromType}" to type "${toType}".`;

export const innerBoolean = (fromType: string, toType: string) =>
  `Cannot convert value "${fromType}" to type "${toType}". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`;

export const innerDateTime = (text: string) =>
  `Cannot convert value "${text}" to type "System.DateTime". Error: "String '${text}' was not recognized as a valid DateTime."`;

export const innerEnum = (text: string, enumType: string, names: readonly string[]) =>
  `Cannot convert value "${text}" to type "${enumType}". Error: "Unable to match the identifier name ${text} to a valid enumerator name. Specify one of the following enumerator names and try again:\n${names.join(', ')}"`;

export const innerAmbiguousEnum = (text: string, enumType: string, matches: readonly string[]) =>
  `Cannot convert value "${text}" to type "${enumType}". Error: "The identifier name ${text} cannot be processed due to the inability to differentiate between the following enumerator names: ${matches.join(', ')}. Try a more specific identifier name."`;
