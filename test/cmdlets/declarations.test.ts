// Every ported cmdlet declared as Pode declares it: podets' declaration, as compiled (the same metadata the binder,
// the help and the docs read), against the table written from Pode's source (test/fixtures/pode/declarations.ts,
// which names the Pode version and, per cmdlet, the file and function it was read from).
import { expect } from 'chai';
import '../../cmdlets/index.ts';
import { compile } from '../../host/binder/compile.ts';
import { ENUMS } from '../../host/cmdlet/enums.ts';
import { allCmdlets, findCmdlet } from '../../host/cmdlet/registry.ts';
import { PODE_DECLARATIONS, PODE_ENUMS, type PodeParameter } from '../fixtures/pode/declarations.ts';

/** podets' own cmdlets, beyond Pode: nothing in Pode to compare them with. */
const BEYOND = ['Set-PodeSseHistory', 'Set-PodeSseHeartbeat', 'Set-PodeSseBackplane', 'Enable-PodeMetricsEndpoint', 'Enable-PodeStatusPage'];

/** A parameter as the table writes it, built from the compiled declaration. */
function asTable(name: string, withAttributes: boolean): PodeParameter[] {
  const decl = findCmdlet(name)!.decl;
  const c = compile(decl);
  const setsOf = (mask: number) => c.setNames.filter((_, bit) => (mask & (1 << bit)) !== 0);
  return decl.parameters.map((p, i) => {
    const cp = c.params[i]!;
    const all = setsOf(cp.mask);
    // The table's convention: true when it holds in every set the parameter is in, else the sets it holds in.
    const inSets = (mask: number) => (mask === 0 ? undefined : mask === cp.mask ? true : setsOf(mask));
    const mandatory = inSets(cp.mandatoryMask);
    const positional = inSets(cp.positionMask);
    const pipeline = inSets(cp.pipelineMask);
    return {
      name: p.name,
      type: p.type,
      ...(p.sets && { sets: [...all].sort() }),
      ...(mandatory !== undefined && { mandatory: mandatory === true ? true : [...mandatory].sort() }),
      ...(positional !== undefined && { position: cp.position }),
      ...(Array.isArray(positional) && { positionIn: [...positional].sort() }),
      ...(pipeline === true && { pipeline: true }),
      ...(Array.isArray(pipeline) && { pipelineIn: [...pipeline].sort() }),
      ...(p.aliases && { aliases: p.aliases }),
      ...(p.validateSet && { validateSet: p.validateSet }),
      ...(withAttributes && p.validateNotNullOrEmpty && { validateNotNullOrEmpty: true }),
      ...(withAttributes && p.validateRange && { validateRange: p.validateRange }),
      ...(withAttributes && p.allowNull && { allowNull: true }),
    } as PodeParameter;
  });
}

/** The table's entry in the same shape: sets sorted, defaults left to their own check. */
function normalised(params: readonly PodeParameter[], withAttributes: boolean): PodeParameter[] {
  return params.map(({ default: _, validateNotNullOrEmpty, validateRange, allowNull, ...p }) => ({
    ...p,
    ...(p.sets && { sets: [...p.sets].sort() }),
    ...(Array.isArray(p.mandatory) && { mandatory: [...p.mandatory].sort() }),
    ...(p.positionIn && { positionIn: [...p.positionIn].sort() }),
    ...(p.pipelineIn && { pipelineIn: [...p.pipelineIn].sort() }),
    ...(withAttributes && validateNotNullOrEmpty && { validateNotNullOrEmpty }),
    ...(withAttributes && validateRange && { validateRange }),
    ...(withAttributes && allowNull && { allowNull }),
  }));
}

describe('cmdlet declarations against Pode\'s (test/fixtures/pode/declarations.ts)', () => {
  it('the table covers exactly the ported cmdlets', () => {
    const ported = allCmdlets().map((e) => e.decl.name).filter((n) => !BEYOND.includes(n));
    expect(ported.sort()).to.deep.equal(Object.keys(PODE_DECLARATIONS).sort());
  });

  for (const [name, pode] of Object.entries(PODE_DECLARATIONS)) {
    it(`${name}: as ${pode.source}`, () => {
      const decl = findCmdlet(name)!.decl;
      const withAttributes = pode.from === 'source';
      expect(decl.defaultParameterSet, 'DefaultParameterSetName').to.equal(pode.defaultParameterSet);
      expect(asTable(name, withAttributes)).to.deep.equal(normalised(pode.parameters, withAttributes));
      for (const p of pode.parameters) {
        if (p.default === undefined) continue;
        const ours = decl.parameters.find((q) => q.name === p.name)!;
        expect(ours.default, `-${p.name} default`).to.deep.equal(p.default);
      }
    });
  }

  it('declares Pode\'s enum types with their members and values in order', () => {
    for (const [name, e] of Object.entries(PODE_ENUMS)) expect(ENUMS[name as keyof typeof ENUMS].members, `${name} (${e.source})`).to.deep.equal(e.members);
  });
});
