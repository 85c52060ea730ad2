import { expect } from 'chai';
import {
  frameEvent, frameRetry, frameOpen, frameComment, frameGap, PODE_CLOSE, PODE_PING, validateEventFields,
} from '../../../host/sse/framing.ts';
import { PodeError } from '../../../host/errors/error.ts';

const text = (b: Buffer) => b.toString('utf8');

function thrown(fn: () => unknown): PodeError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(PodeError);
    return err as PodeError;
  }
  throw new Error('expected a PodeError');
}

describe('sse framing', () => {
  describe('frameEvent', () => {
    it('writes id, event, data and the blank line in order', () => {
      const b = frameEvent({ id: '7', event: 'update', data: 'hello' });
      expect(Buffer.isBuffer(b)).to.equal(true);
      expect(text(b)).to.equal('id: 7\nevent: update\ndata: hello\n\n');
    });

    it('omits absent or empty id and event', () => {
      expect(text(frameEvent({ data: 'x' }))).to.equal('data: x\n\n');
      expect(text(frameEvent({ id: '', event: '', data: 'x' }))).to.equal('data: x\n\n');
      expect(text(frameEvent({ event: 'e', data: 'x' }))).to.equal('event: e\ndata: x\n\n');
    });

    it('writes one data line per line, splitting on CRLF, CR and LF alike', () => {
      expect(text(frameEvent({ data: 'a\r\nb\rc\nd' }))).to.equal('data: a\ndata: b\ndata: c\ndata: d\n\n');
    });

    it('keeps empty lines, including leading and trailing ones', () => {
      expect(text(frameEvent({ data: '\na\n\nb\n' }))).to.equal('data: \ndata: a\ndata: \ndata: b\ndata: \n\n');
      expect(text(frameEvent({ data: '\r\n' }))).to.equal('data: \ndata: \n\n');
    });

    it('gives one empty data line for empty data', () => {
      expect(text(frameEvent({ data: '' }))).to.equal('data: \n\n');
    });

    it('encodes unicode as UTF-8', () => {
      const b = frameEvent({ id: 'é1', event: 'ünï', data: 'héllo 🌍\nÿ' });
      expect(b.equals(Buffer.from('id: é1\nevent: ünï\ndata: héllo 🌍\ndata: ÿ\n\n', 'utf8'))).to.equal(true);
      expect(b.includes(Buffer.from([0xf0, 0x9f, 0x8c, 0x8d]))).to.equal(true);
    });

    it('keeps a leading space and colons in data (the parser strips only one space)', () => {
      expect(text(frameEvent({ data: ' x: y' }))).to.equal('data:  x: y\n\n');
    });

    for (const [label, id, what] of [
      ['LF', 'a\nevent: evil', 'line feed'],
      ['CR', 'a\rb', 'carriage return'],
      ['CRLF', 'a\r\nb', 'carriage return'],
      ['NUL', 'a\u0000b', 'NUL'],
    ] as const) {
      it(`refuses an id containing ${label}`, () => {
        const err = thrown(() => frameEvent({ id, data: 'x' }));
        expect(err.ErrorId).to.equal('SseInvalidEventId,Send-PodeSseEvent');
        expect(err.message).to.contain('Id').and.to.contain(what);
      });
    }

    it('refuses an event type containing CR or LF', () => {
      for (const [event, what] of [['a\nb', 'line feed'], ['a\rb', 'carriage return']] as const) {
        const err = thrown(() => frameEvent({ event, data: 'x' }));
        expect(err.ErrorId).to.equal('SseInvalidEventType,Send-PodeSseEvent');
        expect(err.message).to.contain('EventType').and.to.contain(what);
      }
    });

    it('allows NUL in an event type (only ids forbid it)', () => {
      expect(text(frameEvent({ event: 'a\u0000b', data: 'x' }))).to.equal('event: a\u0000b\ndata: x\n\n');
    });

    it('names the caller\'s command in the error id', () => {
      const err = thrown(() => frameEvent({ id: '\n', data: 'x' }, 'ConvertTo-PodeSseConnection'));
      expect(err.ErrorId).to.equal('SseInvalidEventId,ConvertTo-PodeSseConnection');
      expect(err.Id).to.equal('SseInvalidEventId');
    });

    it('validates before producing anything', () => {
      // The id is checked first even when the data is valid and the event type is fine.
      expect(() => validateEventFields({ id: 'ok', event: 'bad\n' })).to.throw(PodeError);
      expect(() => validateEventFields({ id: 'ok', event: 'fine' })).not.to.throw();
    });
  });

  it('frameRetry', () => {
    expect(text(frameRetry(3000))).to.equal('retry: 3000\n\n');
    expect(text(frameRetry(0))).to.equal('retry: 0\n\n');
    expect(() => frameRetry(-1)).to.throw(RangeError);
    expect(() => frameRetry(1.5)).to.throw(RangeError);
  });

  it('frameOpen writes compact JSON with the group "" when none', () => {
    expect(text(frameOpen('abc', 'g1', 'Events'))).to.equal(
      'event: pode.open\ndata: {"clientId":"abc","group":"g1","name":"Events"}\n\n');
    expect(text(frameOpen('abc', undefined, 'Events'))).to.equal(
      'event: pode.open\ndata: {"clientId":"abc","group":"","name":"Events"}\n\n');
    expect(text(frameOpen('abc', null, 'E'))).to.equal('event: pode.open\ndata: {"clientId":"abc","group":"","name":"E"}\n\n');
  });

  it('frameOpen escapes quotes and keeps newlines out of the line', () => {
    expect(text(frameOpen('a"b', 'x\ny', 'n\\'))).to.equal(
      'event: pode.open\ndata: {"clientId":"a\\"b","group":"x\\ny","name":"n\\\\"}\n\n');
  });

  it('frameOpen puts the retry frame first when asked (one Buffer opens the stream)', () => {
    expect(text(frameOpen('abc', undefined, 'E', 3000))).to.equal(
      'retry: 3000\n\nevent: pode.open\ndata: {"clientId":"abc","group":"","name":"E"}\n\n');
    expect(text(frameOpen('abc', undefined, 'E', 0))).to.equal('event: pode.open\ndata: {"clientId":"abc","group":"","name":"E"}\n\n');
    expect(() => frameOpen('abc', undefined, 'E', 1.5)).to.throw(RangeError);
  });

  it("frameOpen's data is exactly JSON.stringify's, for plain and for any other values", () => {
    const values = ['', 'plain-ID_1.2/3~', 'sp ace', 'a"b', 'back\\slash', 'tab\tand\u0001', 'del\u007f', 'café', '日本', '🌍', 'lone\ud800', '\u2028'];
    for (const v of values) {
      const expected = `event: pode.open\ndata: ${JSON.stringify({ clientId: v, group: v, name: v })}\n\n`;
      expect(text(frameOpen(v, v, v)), JSON.stringify(v)).to.equal(expected);
    }
  });

  it('built-in close and ping frames', () => {
    expect(text(PODE_CLOSE)).to.equal('event: pode.close\ndata: \n\n');
    expect(text(PODE_PING)).to.equal('event: pode.ping\ndata: \n\n');
  });

  it('frameComment', () => {
    expect(text(frameComment('keep-alive'))).to.equal(': keep-alive\n\n');
    expect(text(frameComment(''))).to.equal(': \n\n');
    const err = thrown(() => frameComment('a\nb'));
    expect(err.Id).to.equal('SseInvalidComment');
  });

  it('frameGap carries the last id as data, never as a field', () => {
    expect(text(frameGap('42'))).to.equal('event: pode.gap\ndata: 42\n\n');
    expect(text(frameGap('a\nid: 9'))).to.equal('event: pode.gap\ndata: a\ndata: id: 9\n\n');
  });
});
