// Whose words each engine error is (host/errors/catalog.ts): every entry says, and where it says Pode's, its text
// is Pode's en-US text (test/fixtures/pode/texts.ts) with podets' arguments in Pode's {0} places, followed by
// podets' addition only where the entry lists one (docs/errors.md shows both).
import { expect } from 'chai';
import { errors } from '../../../host/errors/catalog.ts';
import { placeholders, type ErrorMaker } from '../../../host/errors/define.ts';
import { podeTexts } from '../../fixtures/pode/texts.ts';

const entries = Object.values(errors) as ErrorMaker<any>[];
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Pode's text as a pattern: each {0} is a podets argument (`{name}` in the docs form) or fixed text in its place. */
function pattern(pode: string, whole: boolean): RegExp {
  const parts = pode.split(/\{\d+\}/).map(escape);
  return new RegExp(`^${parts.join('(?:\\{[A-Za-z]+\\}|.+?)')}${whole ? '$' : ''}`);
}

describe("error catalog: Pode's texts", () => {
  it('marks every entry with the Pode text it uses (a locale key or a file) or as podets only, not both', () => {
    for (const e of entries) {
      expect(Boolean(e.pode) !== Boolean(e.podetsOnly), `${e.id}: give it pode: '<key>' or podetsOnly: true`).to.equal(true);
      if (e.addition !== undefined) expect(e.pode, `${e.id}: an addition is to Pode's text`).to.be.a('string');
    }
    expect(entries.filter((e) => e.pode).length).to.be.greaterThan(30);
  });

  it("gives Pode's text exactly, with podets' arguments in its places, and an addition only where listed", () => {
    for (const e of entries.filter((x) => x.pode)) {
      const known = podeTexts[e.pode!];
      expect(known, `${e.id}: ${e.pode} is not in test/fixtures/pode/texts.ts`).not.to.equal(undefined);
      const text = placeholders(e.text)!;
      const matches = [known!].flat().filter((pode) => pattern(pode, e.addition === undefined).test(text));
      expect(matches, `${e.id}: '${text}' is not ${JSON.stringify(known)}${e.addition ? ' and an addition' : ''}`).to.have.length.greaterThan(0);
      if (e.addition !== undefined) expect(matches.some((pode) => pattern(pode, true).test(text)), `${e.id}: lists an addition it does not make`).to.equal(false);
    }
  });

  it('fills Pode’s places with the arguments (exact bytes)', () => {
    const cases: [Error, string][] = [
      [errors.TimerParameterMustBeGreaterThanZero('Add-PodeTimer', { name: 't', parameter: 'Limit' }), '[Timer] t: Limit must be greater than 0.'],
      [errors.SourcePathDoesNotExistForStaticRoute('Add-PodeStaticRoute', { path: '/assets', folder: '/srv/assets' }), '/assets: The Source path supplied for Static Route does not exist: /srv/assets'],
      [errors.LoggingMethodRequiresValidScriptBlock('Enable-PodeErrorLogging', { logging: 'Error' }), "The supplied output Method for the 'Error' Logging method requires a valid ScriptBlock."],
      [errors.StaticPathAlreadyDefined('', { path: '/a', earlierPath: '/A' }), "[Static] /a: Already defined. '/a' is the same static route as '/A', registered earlier."],
      [errors.RequestBodyTooLarge('', { limit: 10 }), 'Payload too large: the limit is 10 bytes.'],
    ];
    for (const [err, message] of cases) expect(err.message).to.equal(message);
  });
});
