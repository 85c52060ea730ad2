import { expect } from 'chai';
import { Router, type RouteFound, type RouteNotAllowed } from '../../../host/http/router.ts';
import type { Route, RouteMethod } from '../../../host/http/types.ts';

const handler = () => undefined;
const route = (method: RouteMethod, path: string, source?: string): Route => ({ method, path, handler, source });
const found = (m: ReturnType<Router['match']>) => m as RouteFound;

describe('http/router', () => {
  it('matches exact static paths, ignoring case and a trailing slash', () => {
    const r = new Router();
    const home = route('GET', '/about/Team');
    r.add(home);
    expect(found(r.match('GET', '/about/Team')).route).to.equal(home);
    expect(found(r.match('GET', '/ABOUT/team/')).route).to.equal(home);
    expect(found(r.match('GET', '/about/Team')).params).to.deep.equal({});
    expect(r.match('GET', '/about')).to.equal(null);
  });

  it('matches the root path', () => {
    const r = new Router();
    const root = route('GET', '/');
    r.add(root);
    expect(found(r.match('GET', '/')).route).to.equal(root);
  });

  it('binds :name placeholders, keeping the case sent', () => {
    const r = new Router();
    r.add(route('GET', '/users/:userId/messages/:id'));
    const m = found(r.match('GET', '/users/Bob/messages/42'));
    expect(m.route.path).to.equal('/users/:userId/messages/:id');
    expect(m.params).to.deep.equal({ userId: 'Bob', id: '42' });
  });

  it('accepts {name} placeholders and placeholders inside a segment', () => {
    const r = new Router();
    r.add(route('GET', '/items/{itemId}'));
    r.add(route('GET', '/files/:name.json'));
    expect(found(r.match('GET', '/items/7')).params).to.deep.equal({ itemId: '7' });
    expect(found(r.match('GET', '/files/report.json')).params).to.deep.equal({ name: 'report' });
    expect(r.match('GET', '/files/report.txt')).to.equal(null);
  });

  it('percent-decodes parameters, keeping an encoded slash inside its segment', () => {
    const r = new Router();
    r.add(route('GET', '/search/:term'));
    expect(found(r.match('GET', '/search/caf%C3%A9%20au%20lait')).params.term).to.equal('café au lait');
    expect(found(r.match('GET', '/search/a%2Fb')).params.term).to.equal('a/b');
    // A malformed escape is passed on as sent rather than failing the match.
    expect(found(r.match('GET', '/search/100%')).params.term).to.equal('100%');
  });

  it('matches encoded static paths', () => {
    const r = new Router();
    r.add(route('GET', '/a b'));
    expect(found(r.match('GET', '/a%20b')).route.path).to.equal('/a b');
  });

  it('prefers static segments over placeholders', () => {
    const r = new Router();
    const me = route('GET', '/users/me');
    const byId = route('GET', '/users/:id');
    r.add(byId);
    r.add(me);
    expect(found(r.match('GET', '/users/me')).route).to.equal(me);
    expect(found(r.match('GET', '/users/5')).route).to.equal(byId);
  });

  it('backtracks to a placeholder branch when the static branch dead-ends', () => {
    const r = new Router();
    r.add(route('GET', '/a/b/c'));
    r.add(route('GET', '/a/:x/d'));
    expect(found(r.match('GET', '/a/b/d')).params).to.deep.equal({ x: 'b' });
  });

  it('falls back to a dynamic route when the static path exists only for another method', () => {
    const r = new Router();
    r.add(route('GET', '/users/me'));
    r.add(route('POST', '/users/:id'));
    expect(found(r.match('POST', '/users/me')).params).to.deep.equal({ id: 'me' });
  });

  it('matches * (any method), with a specific method winning', () => {
    const r = new Router();
    const any = route('*', '/ping');
    const get = route('GET', '/ping');
    r.add(any);
    expect(found(r.match('DELETE', '/ping')).route).to.equal(any);
    r.add(get);
    expect(found(r.match('GET', '/ping')).route).to.equal(get);
    expect(found(r.match('PUT', '/ping')).route).to.equal(any);
  });

  it('lets HEAD fall back to GET', () => {
    const r = new Router();
    const get = route('GET', '/users/:id');
    r.add(get);
    expect(found(r.match('HEAD', '/users/1')).route).to.equal(get);
  });

  it('supports * wildcards: one segment in the middle, the rest at the end', () => {
    const r = new Router();
    r.add(route('GET', '/assets/*'));
    r.add(route('GET', '/a/*/c'));
    expect(found(r.match('GET', '/assets/css/site.css')).route.path).to.equal('/assets/*');
    expect(found(r.match('GET', '/a/b/c')).route.path).to.equal('/a/*/c');
    expect(r.match('GET', '/a/b/x/c')).to.equal(null);
  });

  it('returns null for an unknown path (404)', () => {
    const r = new Router();
    r.add(route('GET', '/users/:id'));
    expect(r.match('GET', '/nope')).to.equal(null);
    expect(r.match('GET', '/users/1/extra')).to.equal(null);
    expect(r.match('GET', '/users/')).to.equal(null);
  });

  it('returns the allowed methods when the path exists for other methods (405)', () => {
    const r = new Router();
    r.add(route('GET', '/users/:id'));
    r.add(route('DELETE', '/users/:userId')); // other placeholder name, same node
    r.add(route('POST', '/users/me'));
    const m = r.match('PUT', '/users/me') as RouteNotAllowed;
    expect(m.notAllowed).to.deep.equal(['DELETE', 'GET', 'HEAD', 'POST']);
    expect((r.match('PATCH', '/users/7') as RouteNotAllowed).notAllowed).to.deep.equal(['DELETE', 'GET', 'HEAD']);
  });

  it('refuses a duplicate route, naming both registrations', () => {
    const r = new Router();
    r.add(route('GET', '/users/:userId', 'server.ps1:3'));
    expect(() => r.add(route('get' as RouteMethod, '/USERS/:id/', 'routes.ps1:9')))
      .to.throw(/\[GET\] \/USERS\/:id\/: Already defined/)
      .with.property('message')
      .that.includes("'/USERS/:id/' (routes.ps1:9)")
      .and.includes("'/users/:userId' (server.ps1:3)");
    // Same path, other method: fine.
    expect(() => r.add(route('POST', '/users/:id'))).not.to.throw();
    expect(r.size).to.equal(2);
  });

  it('refuses an unknown method', () => {
    expect(() => new Router().add(route('FETCH' as RouteMethod, '/x'))).to.throw(/Unknown HTTP method 'FETCH'/);
  });

  it('removes routes (placeholder names ignored) and reports whether one was removed', () => {
    const r = new Router();
    r.add(route('GET', '/users/:id'));
    r.add(route('GET', '/static'));
    expect(r.remove('GET', '/users/:other')).to.equal(true);
    expect(r.remove('GET', '/users/:other')).to.equal(false);
    expect(r.match('GET', '/users/1')).to.equal(null);
    expect(r.remove('get', '/static')).to.equal(true);
    expect(r.match('GET', '/static')).to.equal(null);
    // Re-adding after removal works.
    r.add(route('GET', '/users/:id'));
    expect(found(r.match('GET', '/users/2')).params.id).to.equal('2');
  });

  it('lists and gets routes', () => {
    const r = new Router();
    const a = route('GET', '/a/:x');
    r.add(a);
    r.add(route('POST', '/b'));
    expect(r.list().map((x) => `${x.method} ${x.path}`)).to.deep.equal(['GET /a/:x', 'POST /b']);
    expect(r.get('GET', '/a/:y')).to.equal(a);
  });
});
