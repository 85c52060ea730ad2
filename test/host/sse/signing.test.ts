import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import {
  signClientId, strictKey, signingKey, isValidlySigned, isClientIdValid, newClientId,
} from '../../../host/sse/signing.ts';

// Computed here independently, straight from the spec's formula.
const hmac = (key: string, msg: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(msg, 'utf8')).digest('base64');

describe('sse signing', () => {
  it('signs as s:<id>.<base64 HMAC-SHA256(secret, id)>', () => {
    const signed = signClientId('abc-123', 'sekret');
    expect(signed).to.equal(`s:abc-123.${hmac('sekret', 'abc-123')}`);
  });

  it('uses UTF-8 for both key and message', () => {
    expect(signClientId('idé🌍', 'clé')).to.equal(`s:idé🌍.${hmac('clé', 'idé🌍')}`);
  });

  it('strict key is secret;ua;ip and binds the signature to them', () => {
    expect(strictKey('sek', 'Mozilla/5.0', '127.0.0.1')).to.equal('sek;Mozilla/5.0;127.0.0.1');
    expect(strictKey('sek', undefined, null)).to.equal('sek;;');
    const strict = { userAgent: 'Mozilla/5.0', ip: '127.0.0.1' };
    expect(signingKey('sek', strict)).to.equal('sek;Mozilla/5.0;127.0.0.1');
    expect(signingKey('sek')).to.equal('sek');
    const signed = signClientId('id1', 'sek', strict);
    expect(signed).to.equal(`s:id1.${hmac('sek;Mozilla/5.0;127.0.0.1', 'id1')}`);
    expect(isValidlySigned(signed, strictKey('sek', 'Mozilla/5.0', '127.0.0.1'))).to.equal(true);
    expect(isValidlySigned(signed, strictKey('sek', 'curl/8', '127.0.0.1'))).to.equal(false);
    expect(isValidlySigned(signed, strictKey('sek', 'Mozilla/5.0', '10.0.0.1'))).to.equal(false);
    expect(isValidlySigned(signed, 'sek')).to.equal(false);
  });

  it('verifies a validly signed value, splitting on the last dot', () => {
    const signed = signClientId('a.b.c', 'k');
    expect(signed).to.equal(`s:a.b.c.${hmac('k', 'a.b.c')}`);
    expect(isValidlySigned(signed, 'k')).to.equal(true);
  });

  it('rejects tampered values', () => {
    const signed = signClientId('user-1', 'k');
    const sig = signed.slice(signed.lastIndexOf('.') + 1);
    expect(isValidlySigned(`s:user-2.${sig}`, 'k')).to.equal(false); // other id, same signature
    expect(isValidlySigned(signed, 'other')).to.equal(false); // other secret
    const flipped = sig[0] === 'A' ? 'B' + sig.slice(1) : 'A' + sig.slice(1);
    expect(isValidlySigned(`s:user-1.${flipped}`, 'k')).to.equal(false);
    expect(isValidlySigned(signed + '=', 'k')).to.equal(false); // longer signature
    expect(isValidlySigned(signed.slice(0, -1), 'k')).to.equal(false); // shorter signature
  });

  it('never throws on malformed input', () => {
    for (const bad of ['', 's:', 's:.', 's:nodot', 'x:a.b', 'user-1', '.', 's', 's:a.', 's:\u0000.\uffff', null, undefined, 42, {}]) {
      expect(isValidlySigned(bad, 'k'), String(bad)).to.equal(false);
    }
  });

  describe('isClientIdValid', () => {
    it('empty is never valid', () => {
      expect(isClientIdValid('', null)).to.equal(false);
      expect(isClientIdValid('', 'k')).to.equal(false);
      expect(isClientIdValid(undefined, null)).to.equal(false);
      expect(isClientIdValid(null, 'k')).to.equal(false);
    });

    it('signing off: valid iff not s:-prefixed', () => {
      expect(isClientIdValid('abc', null)).to.equal(true);
      expect(isClientIdValid(signClientId('abc', 'k'), null)).to.equal(false);
      expect(isClientIdValid('s:whatever', null)).to.equal(false);
    });

    it('signing on: valid iff validly signed', () => {
      expect(isClientIdValid(signClientId('abc', 'k'), 'k')).to.equal(true);
      expect(isClientIdValid('abc', 'k')).to.equal(false);
      expect(isClientIdValid(signClientId('abc', 'other'), 'k')).to.equal(false);
    });
  });

  it('newClientId returns distinct v4 UUIDs', () => {
    const a = newClientId();
    const b = newClientId();
    expect(a).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).to.not.equal(b);
  });
});
