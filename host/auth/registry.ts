// A server's authentication methods (Pode's $PodeContext.Server.Authentications.Methods): a hashtable in Pode,
// so names compare case-insensitively and keep the casing they were added with.
import { errors } from '../errors/catalog.ts';
import type { AuthMethod } from './types.ts';

export class AuthMethods {
  private readonly byName = new Map<string, AuthMethod>();

  /**
   * A cmdlet's -Authentication: blank (or left out) is none; any other name must be a method of this server
   * (AuthenticationMethodDoesNotExist, as Add-PodeRoute reports it).
   */
  named(name: string | undefined, command: string): string | undefined {
    if (name === undefined || name.trim() === '') return undefined;
    if (!this.has(name)) throw errors.AuthenticationMethodDoesNotExist(command, { name });
    return name;
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }
  get(name: string): AuthMethod | undefined {
    return this.byName.get(name.toLowerCase());
  }
  set(method: AuthMethod): void {
    this.byName.set(method.Name.toLowerCase(), method);
  }
  delete(name: string): void {
    this.byName.delete(name.toLowerCase());
  }
  clear(): void {
    this.byName.clear();
  }
  get size(): number {
    return this.byName.size;
  }
}
