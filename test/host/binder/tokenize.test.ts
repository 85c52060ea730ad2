import { expect } from 'chai';
import {
  instantiate, parseTemplate, templateText, tokenizeCommand, type Token,
} from '../../../host/binder/tokenize.ts';
import { PodeError } from '../../../host/errors/error.ts';

/** The tagged-template form, as `pode` receives it. */
function pode(strings: TemplateStringsArray, ...values: unknown[]) {
  return tokenizeCommand(strings, values);
}

/** A whole command line as one string (`podets bind`), so PowerShell backticks need no JavaScript escaping. */
function line(text: string) {
  return tokenizeCommand([text], []);
}

/** Tokens as plain objects (reads the lazy `text` getter), for deep comparison. */
function plain(tokens: readonly Token[]): object[] {
  return tokens.map((t) => (t.kind === 'parameter' ? { ...t } : { kind: t.kind, value: t.value, text: t.text }));
}

const P = (name: string, text = `-${name}`) => ({ kind: 'parameter', name, text });
const PC = (name: string, value: unknown, text = `-${name}:`) => ({ kind: 'parameter', name, text, colonArg: { value } });
const V = (value: unknown, text: string) => ({ kind: 'value', value, text });

function values(from: readonly Token[] | { tokens: readonly Token[] }): unknown[] {
  const tokens = 'tokens' in from ? from.tokens : from;
  return tokens.map((t) => (t.kind === 'value' ? t.value : `<${t.text}>`));
}

function parseError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(PodeError);
    expect((err as PodeError).ErrorId).to.equal('ParseError');
    return (err as PodeError).message;
  }
  throw new Error('expected a ParseError');
}

describe('binder tokenizer (pode tagged template)', () => {
  describe('command name', () => {
    it('is the first bareword, in any case, as typed', () => {
      expect(pode`ConvertTo-PodeSseConnection`.command).to.equal('ConvertTo-PodeSseConnection');
      expect(pode`convertto-podesseconnection -Name x`.command).to.equal('convertto-podesseconnection');
      expect(pode`
        Send-PodeSseEvent -Name x`.command).to.equal('Send-PodeSseEvent');
      expect(pode`Pode\\Send-PodeSseEvent`.command).to.equal('Pode\\Send-PodeSseEvent');
      expect(pode`CSC`.tokens).to.deep.equal([]);
    });

    it('is required', () => {
      expect(parseError(() => pode``)).to.equal('Missing command name: the command line is empty.');
      expect(parseError(() => line('   \n\t '))).to.equal('Missing command name: the command line is empty.');
      expect(parseError(() => line('# just a comment'))).to.equal('Missing command name: the command line is empty.');
      expect(parseError(() => pode`-Name x`)).to.equal(
        "Missing command name: the command line starts with the parameter '-Name' at column 1.",
      );
    });

    it('must be written in the template', () => {
      expect(parseError(() => pode`${'Send-PodeSseEvent'} -Name x`)).to.equal(
        'The command name at column 1 cannot be an interpolation: write the command name in the template.',
      );
      expect(parseError(() => pode`Send-${'X'} a`)).to.equal(
        'An interpolation at column 6 cannot be part of the command name: write the command name in the template.',
      );
      expect(parseError(() => line("'CSC' a"))).to.match(/^Unexpected ''' in the command name at column 1/);
      expect(parseError(() => line('$cmd a'))).to.match(/^Unexpected '\$' in the command name at column 1/);
      expect(parseError(() => line('| CSC'))).to.match(/^The pipe operator '\|' at column 1 is not supported/);
    });
  });

  describe('spec examples', () => {
    it('CSC a g Local 5 c1: all positional values, 5 a number', () => {
      const { command, tokens } = pode`ConvertTo-PodeSseConnection a g Local 5 c1`;
      expect(command).to.equal('ConvertTo-PodeSseConnection');
      expect(plain(tokens)).to.deep.equal([V('a', 'a'), V('g', 'g'), V('Local', 'Local'), V(5, '5'), V('c1', 'c1')]);
    });

    it('CSC x -Name y', () => {
      expect(plain(pode`CSC x -Name y`.tokens)).to.deep.equal([V('x', 'x'), P('Name'), V('y', 'y')]);
    });

    it('CSC -n a -r 5 -f: prefixes are parameters as typed', () => {
      expect(plain(pode`CSC -n a -r 5 -f`.tokens)).to.deep.equal([P('n'), V('a', 'a'), P('r'), V(5, '5'), P('f')]);
    });

    it('CSC -Name a -Force $false: $false stays a separate value token (pairing is the binder’s job)', () => {
      expect(plain(pode`CSC -Name a -Force $false`.tokens)).to.deep.equal([
        P('Name'), V('a', 'a'), P('Force'), V(false, '$false'),
      ]);
    });

    it('the template form from the spec', () => {
      const name = 'Actions';
      const { command, tokens } = pode`ConvertTo-PodeSseConnection -Name ${name} -Scope Local -AllowAllOrigins`;
      expect(command).to.equal('ConvertTo-PodeSseConnection');
      expect(plain(tokens)).to.deep.equal([
        P('Name'), V('Actions', 'Actions'), P('Scope'), V('Local', 'Local'), P('AllowAllOrigins'),
      ]);
    });
  });

  describe('parameters', () => {
    it('start with a dash and a letter, _ or ?', () => {
      expect(plain(pode`CSC -Name -n -_x -? -Ünïcode`.tokens)).to.deep.equal([
        P('Name'), P('n'), P('_x'), P('?'), P('Ünïcode'),
      ]);
    });

    it('accept the typographic dashes PowerShell accepts, keeping the text as typed', () => {
      expect(plain(pode`CSC –Name a —Force`.tokens)).to.deep.equal([P('Name', '–Name'), V('a', 'a'), P('Force', '—Force')]);
    });

    it('-Name:value carries a colon argument', () => {
      expect(plain(pode`CSC -Name:value -Force:$false -Count:5 -S:'a b' -T:"x"`.tokens)).to.deep.equal([
        PC('Name', 'value'), PC('Force', false), PC('Count', 5), PC('S', 'a b'), PC('T', 'x'),
      ]);
    });

    it('-Name:${x} keeps the JavaScript value as the colon argument', () => {
      const obj = { a: 1 };
      const [t] = pode`CSC -Data:${obj}`.tokens;
      expect(t).to.deep.equal(PC('Data', obj));
      expect(t!.kind === 'parameter' && t!.colonArg!.value).to.equal(obj);
    });

    it('the colon argument may follow whitespace, and may be a comma list', () => {
      expect(plain(pode`CSC -Name: value -Group:a,b -Tags: 'x', ${'y'}`.tokens)).to.deep.equal([
        PC('Name', 'value'), PC('Group', ['a', 'b']), PC('Tags', ['x', 'y']),
      ]);
    });

    it('-Name: with nothing after it is an error, as in PowerShell', () => {
      expect(parseError(() => pode`CSC -Name:`)).to.equal("Parameter '-Name:' at column 5 requires an argument.");
      expect(parseError(() => pode`CSC -Name: -Force`)).to.equal("Parameter '-Name:' at column 5 requires an argument.");
      expect(parseError(() => pode`CSC -Name: --`)).to.equal("Parameter '-Name:' at column 5 requires an argument.");
    });

    it('-5, -, quoted dashes, and --word are values', () => {
      expect(plain(pode`CSC -5 - '-Name' "-Name" --foo -.5`.tokens)).to.deep.equal([
        V(-5, '-5'), V('-', '-'), V('-Name', "'-Name'"), V('-Name', '"-Name"'), V('--foo', '--foo'), V(-0.5, '-.5'),
      ]);
    });

    it('end at the characters PowerShell ends them at (-Dfoo.bar is -Dfoo then .bar)', () => {
      expect(plain(pode`CSC -Dfoo.bar=baz`.tokens)).to.deep.equal([P('Dfoo'), V('.bar=baz', '.bar=baz')]);
    });

    it('a quote inside the name makes the token a value, as in PowerShell', () => {
      expect(plain(pode`CSC -Name'x'`.tokens)).to.deep.equal([V('-Namex', "-Name'x'")]);
    });
  });

  describe('--', () => {
    it('makes every later token a value and is itself dropped', () => {
      expect(plain(pode`CSC -Name a -- -Force -Name:x -5 -- b`.tokens)).to.deep.equal([
        P('Name'), V('a', 'a'), V('-Force', '-Force'), V('-Name:x', '-Name:x'), V(-5, '-5'), V('--', '--'), V('b', 'b'),
      ]);
    });

    it('lets parameter-like words appear in arrays after it', () => {
      expect(values(pode`CSC -- a,-b`.tokens)).to.deep.equal([['a', '-b']]);
    });
  });

  describe('barewords', () => {
    it('are strings', () => {
      expect(values(pode`CSC Local admins a/b http://x:8080/p?q=1 key=value C:\\temp 5:30 [x]`.tokens)).to.deep.equal([
        'Local', 'admins', 'a/b', 'http://x:8080/p?q=1', 'key=value', 'C:\\temp', '5:30', '[x]',
      ]);
    });

    it('join glued quoted parts and apply backtick escapes', () => {
      expect(values(line("CSC a'b c'd x\"y z\" a`,b a`tb `#x"))).to.deep.equal(['ab cd', 'xy z', 'a,b', 'a\tb', '#x']);
    });

    it('end at a quote-started token boundary: \'a\'b is two values, as in PowerShell', () => {
      expect(plain(line("CSC 'a'b").tokens)).to.deep.equal([V('a', "'a'"), V('b', 'b')]);
    });

    it('report $name inside them', () => {
      expect(parseError(() => line('CSC pre$name'))).to.match(/^The variable '\$name' at column 8 is not supported/);
      expect(values(line('CSC 5$ $ a$-b'))).to.deep.equal(['5$', '$', 'a$-b']);
    });
  });

  describe('numbers', () => {
    const cases: [string, unknown][] = [
      ['0', 0], ['42', 42], ['-5', -5], ['+5', 5], ['1.5', 1.5], ['.5', 0.5], ['5.', 5], ['-1.25', -1.25],
      ['1e3', 1000], ['1.5e-2', 0.015], ['2E+2', 200],
      ['0x10', 16], ['0X1f', 31], ['-0x10', -16], ['0xFFFFFFFF', -1], ['0x0FFFFFFFF', 4294967295], ['0x7FFFFFFF', 2147483647],
      ['0b101', 5],
      ['1kb', 1024], ['1KB', 1024], ['2mb', 2 * 1024 ** 2], ['1gb', 1024 ** 3], ['1tb', 1024 ** 4], ['1pb', 1024 ** 5],
      ['1.5kb', 1536], ['0x10kb', 16384], ['-1kb', -1024],
      ['1l', 1], ['1d', 1], ['255uy', 255], ['-128y', -128], ['10n', 10n], ['1lkb', 1024], ['2.5l', 2], ['3.5l', 4],
    ];
    for (const [text, value] of cases) {
      it(`${text} → ${typeof value === 'bigint' ? `${value}n` : value}`, () => {
        const [t] = line(`CSC ${text}`).tokens;
        expect(t).to.deep.equal(V(value, text));
      });
    }

    it('a token that only starts like a number is a string', () => {
      expect(values(line('CSC 5abc 1.2.3 10.0.0.1 1e 0x 300y 1kbx 5- 1..5 0x1g'))).to.deep.equal(
        ['5abc', '1.2.3', '10.0.0.1', '1e', '0x', '300y', '1kbx', '5-', '1..5', '0x1g'],
      );
    });

    it('numbers end at commas and closing brackets', () => {
      expect(values(line('CSC 1,2 @(3) @{a=4}'))).to.deep.equal([[1, 2], [3], { a: 4 }]);
    });
  });

  describe('quoted strings', () => {
    it("single quotes: '' is a quote and nothing is expanded", () => {
      expect(values(line("CSC 'it''s' '$x `n' '' 'a b'"))).to.deep.equal(["it's", '$x `n', '', 'a b']);
    });

    it('double quotes: "" and backtick escapes', () => {
      expect(values(line('CSC "a ""b"" `n" "`t`r`0`"``" "`$x" "`q" "`u{263A}" "`e`a`b`f`v"'))).to.deep.equal([
        'a "b" \n', '\t\r\0"`', '$x', 'q', '☺', '\x1b\x07\b\f\v',
      ]);
    });

    it('a lone $ is literal', () => {
      expect(values(line('CSC "cost $" "$ 5" "a$-b" "$"'))).to.deep.equal(['cost $', '$ 5', 'a$-b', '$']);
    });

    it('$name inside double quotes is an error pointing to ${…}', () => {
      expect(parseError(() => line('CSC "hello $name"'))).to.equal(
        "The variable '$name' in a string at column 12 is not supported: podets has no PowerShell variables (only $true, $false and $null, standing alone). Pass values with ${…} interpolation; for a literal dollar sign write `$ or use single quotes.",
      );
      expect(parseError(() => line('CSC "$true"'))).to.match(/^'\$true' in a string at column 6 is not expanded inside text\. Pass values with \$\{…\} interpolation/);
      expect(parseError(() => line('CSC "$_"'))).to.match(/^The variable '\$_' in a string/);
      expect(parseError(() => line('CSC "$(1+1)"'))).to.match(/^The subexpression '\$\(' in a string at column 6 is not supported/);
      expect(parseError(() => line('CSC "${x}"'))).to.match(/^The braced variable '\$\{' in a string at column 6 is not supported/);
      expect(parseError(() => line('CSC "$env:PATH"'))).to.match(/^The variable '\$env:PATH' in a string/);
    });

    it('accept typographic quotes, as PowerShell does', () => {
      // a doubled quote keeps the second quote character as typed
    expect(values(line('CSC ‘it’’s’ “a”'))).to.deep.equal(['it’s', 'a']);
    });

    it('unterminated strings name the opening column', () => {
      expect(parseError(() => pode`CSC -Name 'abc`)).to.equal('Unterminated string starting at column 11.');
      expect(parseError(() => pode`CSC -Name "abc`)).to.equal('Unterminated string starting at column 11.');
      expect(parseError(() => line('CSC "abc`"'))).to.equal('Unterminated string starting at column 5.');
      expect(parseError(() => line('CSC "`u{110000}"'))).to.match(/^Invalid Unicode escape sequence at column 6/);
    });
  });

  describe('$true, $false, $null', () => {
    it('are values, in any case', () => {
      expect(plain(pode`CSC $true $FALSE $Null`.tokens)).to.deep.equal([V(true, '$true'), V(false, '$FALSE'), V(null, '$Null')]);
    });

    it('any other variable is an error', () => {
      expect(parseError(() => pode`CSC -Name $name`)).to.equal(
        "The variable '$name' at column 11 is not supported: podets has no PowerShell variables (only $true, $false and $null, standing alone). Pass values with ${…} interpolation; for a literal dollar sign write `$ or use single quotes.",
      );
      expect(parseError(() => line('CSC $_'))).to.match(/^The variable '\$_' at column 5/);
      expect(parseError(() => line('CSC $?'))).to.match(/^The variable '\$\?' at column 5/);
      expect(parseError(() => line('CSC $(Get-Date)'))).to.match(/^The subexpression '\$\(' at column 5 is not supported/);
      expect(parseError(() => line('CSC $truex'))).to.match(/^The variable '\$truex'/);
      expect(parseError(() => line('CSC $true-x'))).to.match(/^'\$true' at column 5 is not expanded inside text/);
    });

    it('a lone $ is a value', () => {
      expect(plain(line('CSC $').tokens)).to.deep.equal([V('$', '$')]);
    });
  });

  describe('arrays', () => {
    it('a,b,c and spaced commas make one array value', () => {
      expect(plain(pode`CSC a,b,c 'x', 'y' 1 , $true,"z"`.tokens)).to.deep.equal([
        V(['a', 'b', 'c'], 'a,b,c'), V(['x', 'y'], "'x', 'y'"), V([1, true, 'z'], '1 , $true,"z"'),
      ]);
    });

    it('a comma may be followed by a line break', () => {
      expect(values(pode`CSC a,
        b`.tokens)).to.deep.equal([['a', 'b']]);
    });

    it('@() is an empty array and @(…) an array', () => {
      expect(values(pode`CSC @() @( ) @(1,2) @('a') @(1;2
        3)`.tokens)).to.deep.equal([[], [], [1, 2], ['a'], [1, 2, 3]]);
    });

    it('@(…) enumerates each statement one level, as PowerShell does', () => {
      const arr = [1, 2];
      expect(values(pode`CSC @(@(1,2),3) @(@(1,2)) @(${arr}) @(${arr},3) @($null)`.tokens)).to.deep.equal([
        [[1, 2], 3], [1, 2], [1, 2], [[1, 2], 3], [null],
      ]);
    });

    it('stray and trailing commas are errors', () => {
      expect(parseError(() => pode`CSC a,`)).to.equal("Missing expression after ',' at column 6.");
      expect(parseError(() => pode`CSC a, -Name x`)).to.equal(
        "Missing expression after ',' at column 6: '-Name' is a parameter name, not a value; quote it to pass it as text.",
      );
      expect(parseError(() => pode`CSC ,a`)).to.equal("Missing value before ',' at column 5.");
      expect(parseError(() => pode`CSC -Name , a`)).to.equal("Missing value before ',' at column 11.");
      expect(parseError(() => pode`CSC @(1,)`)).to.equal("Missing expression after ',' at column 8.");
      expect(parseError(() => pode`CSC @(-Name)`)).to.equal(
        "'-Name' at column 7 is a parameter name, not a value; quote it to pass it as text.",
      );
    });

    it('unbalanced @( is an error', () => {
      expect(parseError(() => pode`CSC -Tags @(1,2`)).to.equal("Missing closing ')' for the array '@(' starting at column 11.");
      expect(parseError(() => pode`CSC @('a' 'b')`)).to.equal(
        "Unexpected ''' at column 11 inside '@( )': separate elements with ',' (or ';' or a line break).",
      );
      expect(parseError(() => pode`CSC a)`)).to.equal("Unexpected ')' at column 6.");
    });
  });

  describe('hashtables', () => {
    it('@{ Name = \'x\'; Count = 2 } is a plain object', () => {
      const [t] = pode`CSC @{ Name = 'x'; Count = 2 }`.tokens;
      expect(t).to.deep.equal(V({ Name: 'x', Count: 2 }, "@{ Name = 'x'; Count = 2 }"));
      expect(Object.getPrototypeOf((t as { value: object }).value)).to.equal(Object.prototype);
    });

    it('entries may be separated by line breaks; keys may be quoted; values may be arrays, $null, interpolations', () => {
      const fn = () => 1;
      const [t] = pode`CSC @{
        Name = 'x'
        "Content-Type" = text/plain
        'a b' = 1, 2; Empty=$null
        Handler = ${fn}
        Content-Length=5
      }`.tokens;
      expect((t as { value: unknown }).value).to.deep.equal({
        Name: 'x', 'Content-Type': 'text/plain', 'a b': [1, 2], Empty: null, Handler: fn, 'Content-Length': 5,
      });
      expect((t as { value: { Handler: unknown } }).value.Handler).to.equal(fn);
    });

    it('nest, with arrays inside', () => {
      expect(values(pode`CSC @{a=@{b=@(1,2); c=@{}}} @{}`.tokens)).to.deep.equal([{ a: { b: [1, 2], c: {} } }, {}]);
    });

    it('a __proto__ key is plain data', () => {
      const [t] = pode`CSC @{ __proto__ = 1 }`.tokens;
      const v = (t as { value: object }).value;
      expect(Object.getPrototypeOf(v)).to.equal(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).to.equal(1);
    });

    it('syntax errors', () => {
      expect(parseError(() => pode`CSC @{ a = 1`)).to.equal("Missing closing '}' for the hashtable '@{' starting at column 5.");
      expect(parseError(() => pode`CSC @{ a 1 }`)).to.equal("Missing '=' after the hashtable key 'a' at column 10.");
      expect(parseError(() => pode`CSC @{ a = }`)).to.equal("Missing value for the hashtable key 'a' at column 12.");
      expect(parseError(() => pode`CSC @{ a = 1 b = 2 }`)).to.equal(
        "Unexpected 'b' at column 14 in the hashtable: separate entries with ';' or a line break.",
      );
      expect(parseError(() => pode`CSC @{ a = 1; A = 2 }`)).to.equal("Duplicate key 'A' in the hashtable at column 15.");
      expect(parseError(() => pode`CSC @{ = 1 }`)).to.equal('Missing hashtable key at column 8: a key is a bareword or a quoted string.');
      expect(parseError(() => pode`CSC @{ ${'k'} = 1 }`)).to.equal(
        'A hashtable key at column 8 cannot be an interpolation: write the key in the template.',
      );
      expect(parseError(() => pode`CSC @{ k${'x'} = 1 }`)).to.equal(
        'A hashtable key at column 8 cannot contain an interpolation: write the key in the template.',
      );
      expect(parseError(() => pode`CSC }`)).to.equal("Unexpected '}' at column 5.");
    });
  });

  describe('interpolations', () => {
    it('standing alone keep the JavaScript value, whatever it is', () => {
      const obj = { a: 1 };
      const arr = [1, 2];
      const fn = () => 0;
      const { tokens } = pode`CSC ${obj} ${arr} ${5} ${undefined} ${null} ${fn} ${true}`;
      expect(values(tokens)).to.deep.equal([obj, arr, 5, undefined, null, fn, true]);
      expect((tokens[0] as { value: unknown }).value).to.equal(obj);
      expect((tokens[1] as { value: unknown }).value).to.equal(arr);
    });

    it('are always values, even when the value looks like a parameter', () => {
      const evil = '-Force';
      expect(plain(pode`CSC ${evil} -Name ${evil} ${'--'} ${'-Name:x'}`.tokens)).to.deep.equal([
        V('-Force', '-Force'), P('Name'), V('-Force', '-Force'), V('--', '--'), V('-Name:x', '-Name:x'),
      ]);
      // a dash glued before an interpolation does not make a parameter either
      expect(plain(pode`CSC -${'Force'}`.tokens)).to.deep.equal([V('-Force', '-Force')]);
    });

    it('an interpolation glued to a parameter name is an error, never part of the name', () => {
      expect(parseError(() => pode`CSC -Na${'me'} x`)).to.equal(
        "An interpolation is glued to the parameter '-Na' at column 8: write -Na:${…} to make it that parameter's value, or put a space before it.",
      );
    });

    it('glued to bareword text, they join a string', () => {
      const x = 42;
      expect(plain(pode`CSC -Name pre${x}post ${'a'}${'b'} ${x}px x${null}`.tokens)).to.deep.equal([
        P('Name'), V('pre42post', 'pre42post'), V('ab', 'ab'), V('42px', '42px'), V('xnull', 'xnull'),
      ]);
    });

    it('inside quotes they join the string (and are never re-read as syntax)', () => {
      const q = "it's $x \"";
      expect(values(pode`CSC "Hello ${'bob'}!" '${q}' "${5}" "$${9.5}"`.tokens)).to.deep.equal([
        'Hello bob!', q, '5', '$9.5',
      ]);
    });

    it('arrays of interpolations keep each value', () => {
      const a = { a: 1 };
      const b = [2];
      const [t] = pode`CSC ${a},${b}, ${'c'} ,x`.tokens;
      expect((t as { value: unknown[] }).value).to.deep.equal([a, b, 'c', 'x']);
      expect((t as { value: unknown[] }).value[0]).to.equal(a);
      expect(t!.text).to.equal('[object Object],2, c ,x');
    });

    it("text is String(value) for an interpolation, and never throws", () => {
      const bare = Object.create(null) as object;
      const { tokens } = pode`CSC ${5} ${[1, 2]} ${bare}`;
      expect(tokens.map((t) => t.text)).to.deep.equal(['5', '1,2', '[object Object]']);
      expect(pode`CSC x${bare}`.tokens[0]!.text).to.equal('x[object Object]');
    });
    it("computes an interpolation's text only when it is read", () => {
      let calls = 0;
      const v = { toString: () => { calls++; return 'V'; } };
      const { tokens } = pode`CSC ${v} x${1}`;
      expect(calls).to.equal(0);
      expect(tokens[0]!.text).to.equal('V');
      expect(calls).to.equal(1);
      expect(JSON.parse(JSON.stringify(tokens))).to.deep.equal([
        { kind: 'value', value: {}, text: 'V' }, { kind: 'value', value: 'x1', text: 'x1' },
      ]);
    });
  });

  describe('whitespace, continuations and comments', () => {
    it('newlines, tabs and backtick line continuations separate tokens', () => {
      expect(plain(line('CSC\t-Name a `\n  -Force`\r\n  -Scope\n\nLocal').tokens)).to.deep.equal([
        P('Name'), V('a', 'a'), P('Force'), P('Scope'), V('Local', 'Local'),
      ]);
    });

    it('# and <# #> comments are skipped', () => {
      expect(values(line('CSC a # the rest ${x} -Force\n b <# block\n comment #> c'))).to.deep.equal(['a', 'b', 'c']);
      expect(parseError(() => line('CSC <# open'))).to.equal("Missing end of block comment '#>' for the comment starting at column 5.");
    });
  });

  describe('syntax errors', () => {
    it('are PodeError ParseError with no command', () => {
      try {
        pode`CSC 'x`;
        expect.fail('should throw');
      } catch (err) {
        expect(err).to.be.instanceOf(PodeError);
        expect((err as PodeError).ErrorId).to.equal('ParseError');
        expect((err as PodeError).Id).to.equal('ParseError');
      }
    });

    it('pipelines, statements and other PowerShell operators are not supported', () => {
      expect(parseError(() => pode`CSC a | Out-Null`)).to.equal(
        "The pipe operator '|' at column 7 is not supported: a template runs one command; pipe values in JavaScript.",
      );
      expect(parseError(() => pode`CSC a; CSC b`)).to.equal(
        "The statement separator ';' at column 6 is not supported: a template runs one command.",
      );
      expect(parseError(() => pode`CSC (1+2)`)).to.match(/^A parenthesized expression at column 5 is not supported/);
      expect(parseError(() => pode`CSC { x }`)).to.match(/^A script block at column 5 is not supported: pass a JavaScript function/);
      expect(parseError(() => pode`CSC a &`)).to.match(/^The '&' character at column 7 is not supported/);
      expect(parseError(() => pode`CSC a > out.txt`)).to.match(/^Redirection \('>'\) at column 7 is not supported/);
      expect(parseError(() => pode`CSC @splat`)).to.match(/^Unexpected '@' at column 5: write @\( \) for an array or @\{ \} for a hashtable/);
    });

    it('columns count each interpolation as ${…}, as templateText shows it', () => {
      const strings = ['CSC ', " 'abc"];
      expect(templateText(strings)).to.equal("CSC ${…} 'abc");
      expect(parseError(() => tokenizeCommand(strings, [1]))).to.equal('Unterminated string starting at column 10.');
    });

    it('multi-line templates name the line too', () => {
      expect(parseError(() => pode`CSC -Name a
        -Group 'b`)).to.equal('Unterminated string starting at line 2, column 16.');
    });

    it('an invalid JavaScript escape (undefined cooked string) is reported', () => {
      expect(parseError(() => tokenizeCommand(['CSC ', undefined as unknown as string], [1]))).to.match(
        /^Invalid JavaScript escape sequence in the template text before interpolation 2/,
      );
    });
  });

  describe('parseTemplate / instantiate', () => {
    it('the parse holds no values and is reusable with different values', () => {
      const strings = ['CSC -Name ', ' -Tags ', ',b pre', ' @{ k = ', ' }'];
      const parsed = parseTemplate(strings, 4);
      const snapshot = JSON.stringify(parsed);
      const one = instantiate(parsed, ['n1', 't1', 'x', 1]);
      const two = instantiate(parsed, [{ o: 2 }, 't2', 'y', [2]]);
      expect(one.command).to.equal('CSC');
      expect(plain(one.tokens)).to.deep.equal([
        P('Name'), V('n1', 'n1'), P('Tags'), V(['t1', 'b'], 't1,b'), V('prex', 'prex'), V({ k: 1 }, '@{ k = 1 }'),
      ]);
      expect(values(two.tokens)).to.deep.equal(['<-Name>', { o: 2 }, '<-Tags>', ['t2', 'b'], 'prey', { k: [2] }]);
      expect(JSON.stringify(parsed)).to.equal(snapshot);
    });

    it('builds fresh arrays and objects for every call', () => {
      const parsed = parseTemplate(['CSC a,b @(1) @{x=1}'], 0);
      const a = instantiate(parsed, []).tokens.map((t) => (t as { value: unknown }).value);
      const b = instantiate(parsed, []).tokens.map((t) => (t as { value: unknown }).value);
      expect(a).to.deep.equal(b);
      for (let i = 0; i < a.length; i++) expect(a[i]).to.not.equal(b[i]);
    });

    it('a call site (one frozen strings array) gives the right tokens on every call', () => {
      const seen: unknown[] = [];
      for (const v of ['a', '-Force', 3]) {
        const { tokens } = pode`CSC -Name ${v} x${v}`;
        seen.push(values(tokens));
      }
      expect(seen).to.deep.equal([
        ['<-Name>', 'a', 'xa'], ['<-Name>', '-Force', 'x-Force'], ['<-Name>', 3, 'x3'],
      ]);
    });

    it('rejects a values count that does not match the template', () => {
      expect(() => parseTemplate(['a', 'b'], 0)).to.throw(TypeError);
      const parsed = parseTemplate(['CSC ', ''], 1);
      expect(() => instantiate(parsed, [])).to.throw(TypeError);
    });
  });
});
