// A server's authentication methods (Pode's $PodeContext.Server.Authentications.Methods): a hashtable in Pode,
// so names compare case-insensitively and keep the casing they were added with.
import type { AuthMethod } from './types.ts';

export class AuthMethods {
  private readonly byName = new Map<string, AuthMethod>();

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
