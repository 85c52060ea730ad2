import { expect } from 'chai';
import { LogText, describeError, escapeControls, log, logLines, logText, paintText, setLogSink, splitStack } from '../../host/log.ts';

describe('log: terminal safety', () => {
  let lines: string[];
  let restore: () => void;
  beforeEach(() => {
    lines = [];
    const old = setLogSink((_level, line) => void lines.push(line));
    restore = () => void setLogSink(old);
  });
  afterEach(() => restore());

  it('escapes C0, DEL, C1 and bidi controls, leaving text and Unicode as they are', () => {
    expect(escapeControls('\x1b[2J\r\n\t\x00\x07\x7f\x9b\x85 ok')).to.equal('\\e[2J\\r\\n\\t\\x00\\x07\\x7f\\x9b\\x85 ok');
    expect(escapeControls('a\u202eb\u2066c\u200fd\u061ce')).to.equal('a\\u{202e}b\\u{2066}c\\u{200f}d\\u{61c}e');
    const plain = 'café – 日本語 🙂 C:\\Users\\x "quoted"';
    expect(escapeControls(plain)).to.equal(plain);
  });

  it('escapes every plain message, and keeps the colours and line breaks of LogText', () => {
    log('error', 'GET /a\x1b[31m\nERROR: forged');
    log('warn', logText('x: ', paintText((s) => `\x1b[1m${s}\x1b[22m`, 'bold\x1b]0;t\x07'), logLines(['', 'next line\r'])));
    expect(lines.map((l) => l.replace(/\x1b\[3\dm|\x1b\[39m/g, ''))).to.deep.equal([
      'ERROR: GET /a\\e[31m\\nERROR: forged',
      'WARNING: x: \x1b[1mbold\\e]0;t\\x07\x1b[22m\nnext line\\r',
    ]);
  });

  it('cannot be made outside log.ts', () => {
    expect(() => new LogText(Symbol('LogText') as never, '\x1b[2J')).to.throw(TypeError);
  });

  it("splits an error's stack after its message, so a message with line breaks adds no frame", () => {
    const err = new Error('bad\n    at forged (evil.js:1:1)\nERROR: x');
    const { head, frames } = splitStack(err);
    expect(head).to.equal('Error: bad\n    at forged (evil.js:1:1)\nERROR: x');
    expect(frames.length).to.be.greaterThan(0);
    expect(frames.every((f) => /^ {4}at /.test(f) && !f.includes('forged'))).to.equal(true);
    const text = describeError(err).text.split('\n');
    expect(text[0]).to.equal('Error: bad\\n    at forged (evil.js:1:1)\\nERROR: x');
    expect(text.slice(1)).to.deep.equal(frames);
  });

  it('describes errors without a stack or not Errors at all, escaped', () => {
    const bare = new Error('m\x1b');
    bare.stack = undefined;
    expect(describeError(bare).text).to.equal('Error: m\\e');
    expect(describeError('plain\nstring').text).to.equal('plain\\nstring');
    expect(describeError(Object.assign(new Error('x'), { ErrorId: 'Id,Cmd' })).text).to.match(/^\[Id,Cmd\] Error: x\n {4}at /);
  });
});
