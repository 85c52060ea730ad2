// PowerShell's en-US binding messages (ParameterBinderStrings.resx and ExtendedTypeSystem.resx), one entry per
// ErrorId, so every text lives in exactly one place. Built like the engine's catalog (host/errors/catalog.ts),
// kept apart because these are PowerShell's texts, not podets' own. Every binding error answers a request with 500.
import { defineCatalog, entry } from '../errors/define.ts';

export const binding = defineCatalog(
  {
    NamedParameterNotFound: entry((a: { typed: string }) => `A parameter cannot be found that matches parameter name '${a.typed}'.`, {
      parameter: (a) => a.typed,
    }),
    PositionalParameterNotFound: entry((a: { text: string }) => `A positional parameter cannot be found that accepts argument '${a.text}'.`),
    MissingArgument: entry(
      (a: { name: string; dotnetType: string }) =>
        `Missing an argument for parameter '${a.name}'. Specify a parameter of type '${a.dotnetType}' and try again.`,
      { parameter: (a) => a.name },
    ),
    AmbiguousParameter: entry(
      (a: { typed: string; matches: readonly string[] }) =>
        `Parameter cannot be processed because the parameter name '${a.typed}' is ambiguous. Possible matches include: ${a.matches.map((m) => '-' + m).join(' ')}.`,
      { parameter: (a) => a.typed },
    ),
    ParameterAlreadyBound: entry(
      (a: { name: string }) =>
        `Cannot bind parameter because parameter '${a.name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`,
      { parameter: (a) => a.name },
    ),
    AmbiguousParameterSet: entry(
      'Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.',
    ),
    MissingMandatoryParameter: entry(
      (a: { names: readonly string[] }) => `Cannot process command because of one or more missing mandatory parameters: ${a.names.join(' ')}.`,
      { parameter: (a) => a.names[0] },
    ),
    ParameterArgumentTransformationError: entry(
      (a: { name: string; inner: string }) => `Cannot process argument transformation on parameter '${a.name}'. ${a.inner}`,
      { parameter: (a) => a.name },
    ),
    ParameterArgumentValidationError: entry((a: { name: string; inner: string }) => `Cannot validate argument on parameter '${a.name}'. ${a.inner}`, {
      parameter: (a) => a.name,
    }),
    ParameterArgumentValidationErrorNullNotAllowed: entry(
      (a: { name: string }) => `Cannot bind argument to parameter '${a.name}' because it is null.`,
      { parameter: (a) => a.name },
    ),
    ParameterArgumentValidationErrorEmptyStringNotAllowed: entry(
      (a: { name: string }) => `Cannot bind argument to parameter '${a.name}' because it is an empty string.`,
      { parameter: (a) => a.name },
    ),
    ParameterArgumentValidationErrorEmptyArrayNotAllowed: entry(
      (a: { name: string }) => `Cannot bind argument to parameter '${a.name}' because it is an empty array.`,
      { parameter: (a) => a.name },
    ),
    /**
     * CoerceTypeAsNeeded refusing a value for a bool or SwitchParameter of a cmdlet-style binder (the common
     * parameters): `{6}` is the value's type, `{7}` empty, so the text ends in a space.
     */
    CannotConvertArgument: entry(
      (a: { name: string; fromType: string; toType: string }) =>
        `Cannot convert '${a.fromType}' to the type '${a.toType}' required by parameter '${a.name}'. `,
      { parameter: (a) => a.name },
    ),
    CannotConvertArgumentNoMessage: entry((a: { name: string; inner: string }) => `Cannot bind parameter '${a.name}'. ${a.inner}`, {
      parameter: (a) => a.name,
    }),
    /** ParameterBinderStrings.resx ParameterBindingFailed: a parameter's setter threw (`{6}` is the setter's error). */
    ParameterBindingFailed: entry((a: { name: string; inner: string }) => `Cannot bind parameter '${a.name}' to the target. ${a.inner}`, {
      parameter: (a) => a.name,
    }),
    InputObjectNotBound: entry(
      'The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.',
    ),
    /** A getter of a splat object threw (ExtendedTypeSystem.resx ExceptionWhenGetting). */
    ExceptionWhenGetting: entry((a: { key: string; message: string }) => `Exception getting "${a.key}": "${a.message}"`, {
      parameter: (a) => a.key,
    }),
    /** The arguments themselves could not be read (a Proxy whose traps throw): ParameterBindingException, the class of every binding error. */
    ParameterBindingException: entry((a: { message: string }) => `Cannot bind the arguments: reading them threw "${a.message}".`),
    /** Pipeline input whose iterator threw (ExtendedTypeSystem.resx EnumerationException). */
    BadEnumeration: entry(
      (a: { message: string }) => `The following exception occurred while trying to enumerate the collection: "${a.message}".`,
    ),
  },
  { status: 500 },
);

// ---- inner texts -------------------------------------------------------------------------------

export const innerValidateSet = (value: string, set: readonly string[]) =>
  `The argument "${value}" does not belong to the set "${set.join(',')}" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`;

// Metadata.resx: ValidateNotNullOrEmptyFailure, ValidateNotNullOrEmptyCollectionFailure, ValidateNotNullFailure.
export const innerNotNullOrEmpty =
  'The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.';

export const innerNotNullOrEmptyCollection =
  'The argument is null, empty, or an element of the argument collection contains a null value. Supply a collection that does not contain any null values and then try the command again.';

export const innerNotNull = 'The argument is null. Provide a valid value for the argument, and then try running the command again.';

export const innerPattern = (value: string, pattern: string) =>
  `The argument "${value}" does not match the "${pattern}" pattern. Supply an argument that matches "${pattern}" and try the command again.`;

export const innerRangeLow = (value: number, min: number) =>
  `The ${value} argument is less than the minimum allowed range of ${min}. Supply an argument that is greater than or equal to ${min} and then try the command again.`;

export const innerRangeHigh = (value: number, max: number) =>
  `The ${value} argument is greater than the maximum allowed range of ${max}. Supply an argument that is less than or equal to ${max} and then try the command again.`;

/** ExtendedTypeSystem.resx InvalidCastExceptionWithInnerException: the value, the type, the .NET exception's message. */
export const innerCannotConvertWith = (text: string, dotnetType: string, message: string) =>
  `Cannot convert value "${text}" to type "${dotnetType}". Error: "${message}"`;

export const OVERFLOW_INT32 = 'Value was either too large or too small for an Int32.';

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

/** ExtendedTypeSystem.resx InvalidCastExceptionEnumerationNoValue; names joined by the en-US ListSeparator. */
export const innerEnumNoValue = (text: string, enumType: string, names: readonly string[]) =>
  `Cannot convert value "${text}" to type "${enumType}" due to enumeration values that are not valid. Specify one of the following enumeration values and try again. The possible enumeration values are "${names.join(',')}".`;

/** ExtendedTypeSystem.resx InvalidCastExceptionEnumerationNull. */
export const innerEnumNull = (enumType: string, names: readonly string[]) =>
  `Cannot convert null to type "${enumType}" due to enumeration values that are not valid. Specify one of the following enumeration values and try again. The possible enumeration values are "${names.join(',')}".`;

/** ExtendedTypeSystem.resx ExceptionWhenSetting: the property and its setter's message. */
export const innerSetter = (property: string, message: string) => `Exception setting "${property}": "${message}"`;

/** ErrorPackage.resx ActionPreferenceReservedForFutureUseError (@1d84d26). */
export const actionReserved = (value: string) =>
  `The ${value} ActionPreference value is reserved for future use and is not supported at this time. For more information about preference variables, see the Help topic, "about_Preference_Variables."`;
