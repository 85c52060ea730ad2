// PowerShell's common parameters, in the engine's own order (AmbiguousParameter lists them in this order).
// Their effects are applied by host/cmdlet/invoke.ts.
import type { ParamDecl } from '../cmdlet/declare.ts';

const action = (name: string, alias: string, stream: string): ParamDecl => ({
  name,
  type: 'ActionPreference',
  aliases: [alias],
  help: `How the cmdlet responds to ${stream}.`,
});
const variable = (name: string, alias: string, what: string): ParamDecl => ({
  name,
  type: 'String',
  aliases: [alias],
  help: `Stores ${what} in the named variable (prefix the name with + to append).`,
});

export const COMMON_PARAMETERS: readonly ParamDecl[] = [
  { name: 'Verbose', type: 'SwitchParameter', aliases: ['vb'], help: 'Writes the call\'s verbose messages.' },
  { name: 'Debug', type: 'SwitchParameter', aliases: ['db'], help: 'Writes the call\'s debug messages.' },
  action('ErrorAction', 'ea', 'an error'),
  action('WarningAction', 'wa', 'a warning'),
  action('InformationAction', 'infa', 'an information message'),
  action('ProgressAction', 'proga', 'progress updates'),
  variable('ErrorVariable', 'ev', 'the errors'),
  variable('WarningVariable', 'wv', 'the warnings'),
  variable('InformationVariable', 'iv', 'the information messages'),
  variable('OutVariable', 'ov', 'the output'),
  { name: 'OutBuffer', type: 'Int32', aliases: ['ob'], validateRange: [0, 2147483647], help: 'Accepted for compatibility.' },
  variable('PipelineVariable', 'pv', 'the current pipeline value'),
];

export const COMMON_NAMES: ReadonlySet<string> = new Set(COMMON_PARAMETERS.map((p) => p.name));
