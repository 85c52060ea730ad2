// The .NET enum types that Pode's parameters are typed with, declared as data: the short name Get-Help prints,
// the full name binding messages print, and the members in declaration order with their numeric values.
// host/binder/convert.ts converts to them as PowerShell's LanguagePrimitives does (numbers, names, prefixes).

export interface EnumDecl {
  /** As Get-Help prints the type: `ConsoleColor`. */
  readonly name: string;
  /** As binding messages print it: `System.ConsoleColor`. */
  readonly fullName: string;
  /** Members in declaration order (Enum.GetNames), each with its value. */
  readonly members: readonly (readonly [string, number])[];
}

/** Members numbered from `first`, keeping each name's literal type (EnumMember reads them). */
function sequential<const N extends readonly string[]>(names: N, first = 0): { readonly [K in keyof N]: readonly [N[K], number] } {
  return names.map((n, i) => [n, first + i] as const) as unknown as { readonly [K in keyof N]: readonly [N[K], number] };
}

export const ENUMS = {
  // System.ConsoleColor: Black = 0 … White = 15.
  ConsoleColor: {
    name: 'ConsoleColor',
    fullName: 'System.ConsoleColor',
    members: sequential(
      ['Black', 'DarkBlue', 'DarkGreen', 'DarkCyan', 'DarkRed', 'DarkMagenta', 'DarkYellow', 'Gray', 'DarkGray', 'Blue', 'Green', 'Cyan', 'Red', 'Magenta', 'Yellow', 'White'] as const,
    ),
  },
  // System.Security.Cryptography.X509Certificates.StoreName: AddressBook = 1 … TrustedPublisher = 8.
  StoreName: {
    name: 'StoreName',
    fullName: 'System.Security.Cryptography.X509Certificates.StoreName',
    members: sequential(['AddressBook', 'AuthRoot', 'CertificateAuthority', 'Disallowed', 'My', 'Root', 'TrustedPeople', 'TrustedPublisher'] as const, 1),
  },
  // System.Security.Cryptography.X509Certificates.StoreLocation: CurrentUser = 1, LocalMachine = 2.
  StoreLocation: {
    name: 'StoreLocation',
    fullName: 'System.Security.Cryptography.X509Certificates.StoreLocation',
    members: sequential(['CurrentUser', 'LocalMachine'] as const, 1),
  },
  // Pode's src/Listener/PodeClientConnectionEventType.cs (namespace Pode): Connect, Disconnect.
  PodeClientConnectionEventType: {
    name: 'PodeClientConnectionEventType',
    fullName: 'Pode.PodeClientConnectionEventType',
    members: sequential(['Connect', 'Disconnect'] as const),
  },
} as const satisfies Record<string, EnumDecl>;

export type EnumName = keyof typeof ENUMS;

/** The member names of an enum, as a string-literal union. */
export type EnumMember<E extends EnumName> = (typeof ENUMS)[E]['members'][number][0];
