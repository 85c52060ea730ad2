// Server-wide SSE settings: default scope, signing, broadcast levels. Set by cmdlets and CLI flags.
import { ignoreCaseKey } from '../values/ignorecase.ts';
import { signingKey, type StrictContext } from './signing.ts';
import type { SseScope } from './connection.ts';

export type BroadcastLevel = 'name' | 'group' | 'clientid';

export class SseSettings {
  defaultScope: SseScope = 'Global';
  /** Get-PodeSseDefaultScope: the scope as Set-PodeSseDefaultScope was given it ('local' stays 'local', as in Pode). */
  defaultScopeText: string = 'Global';
  /** Set by --sse-default-scope, so the host can say when the script overrides it. */
  defaultScopeFromFlag = false;
  secret: string | null = null;
  strict = false;
  /**
   * Pode's $PodeContext.Server.Sse.BroadcastLevel, a hashtable: Names match whatever their case, and '' (a
   * Set-PodeSseBroadcastLevel without -Type) is there but reads as unset.
   */
  private readonly levels = new Map<string, BroadcastLevel | ''>();

  get signed(): boolean {
    return this.secret !== null;
  }

  /** The HMAC key for a request (strict binds it to User-Agent and IP), or null when signing is off. */
  keyFor(request: StrictContext | undefined): string | null {
    if (this.secret === null) return null;
    return signingKey(this.secret, this.strict ? (request ?? {}) : undefined);
  }

  setLevel(name: string, level: BroadcastLevel | ''): void {
    this.levels.set(ignoreCaseKey(name), level);
  }

  /** Get-PodeSseBroadcastLevel: the Name's level, else `*`'s, else `name` (an empty one counts as none). */
  level(name: string): BroadcastLevel {
    return this.levels.get(ignoreCaseKey(name)) || this.levels.get('*') || 'name';
  }

  /** Test-PodeSseBroadcastLevel. */
  allows(name: string, groups: readonly string[] | undefined, clientIds: readonly string[] | undefined): boolean {
    const level = this.level(name);
    const hasGroups = !!groups && groups.length > 0;
    const hasIds = !!clientIds && clientIds.length > 0;
    if (level === 'group') return hasGroups || hasIds;
    if (level === 'clientid') return hasIds;
    return true;
  }
}
