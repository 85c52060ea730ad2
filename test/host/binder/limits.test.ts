// Inputs sized to break a naive binder: command lines nested thousands deep, values nested a hundred thousand deep,
// names and numbers hundreds of thousands of characters long. Each gets a PodeError with a clear message (or its
// normal answer) in linear time, never a RangeError from the stack.
import { expect } from 'chai';
import { bindArgs } from '../../../host/binder/bind.ts';
import { compile } from '../../../host/binder/compile.ts';
import { PodeError } from '../../../host/errors/error.ts';
import { MAX_NESTING, tokenizeCommand } from '../../../host/binder/tokenize.ts';
import type { CmdletDecl, ParamDecl } from '../../../host/cmdlet/declare.ts';
import { closestCmdlets } from '../../../host/cmdlet/registry.ts';
import { commandNotFound, pode } from '../../../host/cmdlet/template.ts';
import { ConvertToPodeSseConnection as CSC } from '../../../cmdlets/sse.ts';
import { WritePodeHost } from '../../../cmdlets/utilities.ts';
import { TestPodeTypes as Types } from '../../fixtures/cmdlets.ts';
import { failure, js, ps } from './helpers.ts';

/** A one-string template, as a tagged template would hand it over (frozen, with raw). */
const template = (text: string) => Object.freeze(Object.assign([text], { raw: [text] })) as unknown as TemplateStringsArray;

function nestedArray(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
function nestedObject(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('binder: nesting limits', () => {
  // PowerShell's parser stops with ScriptTooComplicated ("Processing was stopped because the script is too
  // complex.") when its stack runs low (Parser.cs, ParseTask); podets stops at a fixed depth instead.
  it(`a command line nesting @( ) more than ${MAX_NESTING} deep is a ParseError, 3000 deep included`, () => {
    const line = (depth: number) => `Send-PodeSseEvent -Data ${'@('.repeat(depth)}1${')'.repeat(depth)}`;
    const err = failure(() => pode(template(line(3000))));
    expect(err).to.be.instanceOf(PodeError);
    expect(err.ErrorId).to.equal('ParseError');
    // `Send-PodeSseEvent -Data ` is 24 characters; the 101st '@(' starts at column 25 + 100 * 2.
    expect(err.message).to.equal(
      "Processing was stopped because the command line is too complex: the array '@(' starting at column 225 is nested more than 100 levels deep.",
    );
    expect(failure(() => tokenizeCommand(template(line(MAX_NESTING + 1)), [])).message).to.equal(err.message);
    // At the limit it parses, and @( ) flattens one level per statement as in PowerShell.
    expect(tokenizeCommand(template(line(MAX_NESTING)), []).tokens[1]).to.deep.include({ kind: 'value', value: [1] });
  });

  it('so does @{ } nested too deep, and the two mixed', () => {
    const hashes = (depth: number) => `Invoke-PodeProbe ${'@{ a = '.repeat(depth)}1${' }'.repeat(depth)}`;
    // `Invoke-PodeProbe ` is 17 characters and each `@{ a = ` 7: the 101st starts at column 18 + 100 * 7.
    expect(failure(() => ps(hashes(3000))).message).to.equal(
      "Processing was stopped because the command line is too complex: the hashtable '@{' starting at column 718 is nested more than 100 levels deep.",
    );
    let value: unknown = ps(hashes(MAX_NESTING)).BoundParameters.Data;
    for (let i = 0; i < MAX_NESTING; i++) value = (value as { a: unknown }).a;
    expect(value).to.equal(1);
    const mixed = `Invoke-PodeProbe ${'@(@{ a = '.repeat(60)}1${' })'.repeat(60)}`;
    expect(failure(() => ps(mixed)).message).to.match(/^Processing was stopped because the command line is too complex: the array '@\(' starting at column \d+ is nested more than 100 levels deep\.$/);
  });

  it('a value nested 100,000 deep, for each parameter type: bound, or a transformation error that shows one level', () => {
    const types = compile(Types.declaration as unknown as CmdletDecl<readonly ParamDecl[], unknown>);
    for (const deep of [nestedArray(100_000), nestedObject(100_000)]) {
      for (const p of types.params.slice(0, types.ownCount)) {
        try {
          bindArgs(types, [{ [p.name]: deep }]);
        } catch (err) {
          expect(err, p.name).to.be.instanceOf(PodeError);
          expect((err as PodeError).ParameterName, p.name).to.equal(p.name);
        }
      }
    }
    expect(failure(() => js(Types, { Number: nestedArray(100_000) })).message).to.equal(
      `Cannot process argument transformation on parameter 'Number'. Cannot convert the "System.Object[]" value of type "System.Object[]" to type "System.Int32".`,
    );
    expect(failure(() => js(CSC, 'a', 'b', 'Local', 1, 'c', nestedArray(100_000), 'd')).message).to.equal(
      "A positional parameter cannot be found that accepts argument 'System.Object[]'.",
    );
  });

  it('a value nested too deep for Write-PodeHost to write: ValueNestedTooDeep', () => {
    for (const deep of [nestedArray(100_000), nestedObject(100_000)]) {
      const err = failure(() => WritePodeHost(deep));
      expect(err).to.be.instanceOf(PodeError);
      expect(err.ErrorId).to.equal('ValueNestedTooDeep,Write-PodeHost');
      expect(err.ParameterName).to.equal('Object');
      expect(err.message).to.equal('The value of -Object is nested too deeply to be converted to text.');
    }
  });
});

describe('binder: long input stays linear', () => {
  const long = 'N'.repeat(400_000);

  it('"did you mean" for a 400,000-character command name: the same three suggestions as for its first 64 characters', () => {
    expect(closestCmdlets(long)).to.deep.equal(closestCmdlets(long.slice(0, 64)));
    expect(closestCmdlets(long)).to.have.length(3);
    expect(commandNotFound(long).message).to.equal(
      `The term '${long}' is not recognized as a name of a podets cmdlet. Check the spelling; the closest names are: ${closestCmdlets(long).join(', ')}.`,
    );
    // Normal typos are unaffected.
    expect(closestCmdlets('ConvertTo-PodeSseConnectoin')[0]).to.equal('ConvertTo-PodeSseConnection');
    expect(closestCmdlets('Send-PodeSseEvnt')[0]).to.equal('Send-PodeSseEvent');
  });

  it('a 400,000-character parameter name, in a splat and a command line: NamedParameterNotFound', () => {
    const err = failure(() => js(CSC, { [long]: 1 }));
    expect(err.ErrorId).to.equal('NamedParameterNotFound,ConvertTo-PodeSseConnection');
    expect(err.message).to.equal(`A parameter cannot be found that matches parameter name '${long}'.`);
    expect(failure(() => ps(`ConvertTo-PodeSseConnection a -${long} b`)).message).to.equal(err.message);
  });

  it('a 400,000-digit non-number for Int32, and a 400,000-character value for a ValidateSet', () => {
    const digits = '1'.repeat(400_000) + 'x';
    expect(failure(() => js(Types, { Number: digits })).message).to.equal(
      `Cannot process argument transformation on parameter 'Number'. Cannot convert value "${digits}" to type "System.Int32". Error: "The input string '${digits}' was not in a correct format."`,
    );
    expect(failure(() => js(Types, { Number: '1'.repeat(400_000) })).message).to.match(/Value was either too large or too small for an Int32\."$/);
    expect(failure(() => js(Types, { Choice: long })).message).to.equal(
      `Cannot validate argument on parameter 'Choice'. The argument "${long}" does not belong to the set "Alpha,Beta" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`,
    );
  });
});
