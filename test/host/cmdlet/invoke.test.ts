// The common parameters' real effects and pipeline input, through the functions scripts call.
import { expect } from 'chai';
import { pode } from '../../../host/cmdlet/template.ts';
import { variables } from '../../../host/cmdlet/variables.ts';
import { setLogSink, type LogSink } from '../../../host/log.ts';
import { GetPodeUpper as Upper, InvokePodeProbe as Probe, InvokePodeStreams as Streams } from '../../fixtures/cmdlets.ts';
import { failure } from '../binder/helpers.ts';

function capture(fn: () => unknown): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  const old = setLogSink(((level, line) => lines.push([level, line])) as LogSink);
  try {
    fn();
  } finally {
    setLogSink(old);
  }
  return lines;
}
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('invoke: ErrorAction and ErrorVariable', () => {
  beforeEach(() => variables.clear());

  it('throws the cmdlet error by default, with Stop and with Continue', () => {
    for (const call of [() => Streams({ Fail: true }), () => Streams({ Fail: true, ErrorAction: 'Stop' }), () => Streams({ Fail: true, ea: 'Continue' } as never)]) {
      const err = failure(call);
      expect(err.ErrorId).to.equal('ProbeFailed,Invoke-PodeStreams');
      expect(err.message).to.equal('the probe failed');
    }
  });

  it('SilentlyContinue returns nothing and records the error in ErrorVariable', () => {
    expect(Streams({ Fail: true, ErrorAction: 'SilentlyContinue', ErrorVariable: 'err' })).to.equal(undefined);
    const errs = variables.get('err')!;
    expect(errs).to.have.length(1);
    expect((errs[0] as { ErrorId: string }).ErrorId).to.equal('ProbeFailed,Invoke-PodeStreams');
  });

  it('Ignore returns nothing and records nothing', () => {
    expect(pode`Invoke-PodeStreams -Fail -ErrorAction Ignore -ErrorVariable err`).to.equal(undefined);
    expect(variables.get('err')).to.deep.equal([]);
  });

  it('ErrorVariable is emptied on success and appended with +name', () => {
    Streams({ Fail: true, ErrorAction: 'SilentlyContinue', ErrorVariable: 'e' });
    Streams({ Fail: true, ErrorAction: 'SilentlyContinue', ErrorVariable: '+e' });
    expect(variables.get('e')).to.have.length(2);
    Streams({ ErrorVariable: 'e' });
    expect(variables.get('e')).to.deep.equal([]);
  });

  it('applies to asynchronous implementations too', async () => {
    expect(await Streams({ Fail: true, Async: true, ErrorAction: 'SilentlyContinue', ErrorVariable: 'a' })).to.equal(undefined);
    expect(variables.get('a')).to.have.length(1);
    let caught: unknown;
    await (Streams({ Fail: true, Async: true }) as Promise<unknown>).catch((e) => (caught = e));
    expect((caught as { ErrorId: string }).ErrorId).to.equal('ProbeFailed,Invoke-PodeStreams');
  });

  it('does not suppress binding errors', () => {
    expect(failure(() => pode`Invoke-PodeStreams -Bogus -ErrorAction SilentlyContinue`).Id).to.equal('NamedParameterNotFound');
  });

  it('refuses interactive-only preferences, OutBuffer and PipelineVariable with a clear error', () => {
    let err = failure(() => Streams({ ErrorAction: 'Inquire' }));
    expect(err.ErrorId).to.equal('ActionPreferenceNotSupported,Invoke-PodeStreams');
    expect(err.message).to.contain("'Inquire' of -ErrorAction is not supported");
    err = failure(() => Streams({ OutBuffer: 5 }));
    expect(err.ErrorId).to.equal('CommonParameterNotSupported,Invoke-PodeStreams');
    err = failure(() => Streams({ PipelineVariable: 'p' }));
    expect(err.ErrorId).to.equal('CommonParameterNotSupported,Invoke-PodeStreams');
  });

  it('OutVariable captures the output', async () => {
    Streams({ OutVariable: 'out' });
    expect(variables.get('out')).to.deep.equal(['done']);
    await Streams({ Async: true, OutVariable: '+out' });
    expect(variables.get('out')).to.deep.equal(['done', 'done']);
  });
});

describe('invoke: output streams', () => {
  it('-Verbose and -Debug turn on that call\'s lines only', () => {
    const quiet = capture(() => Streams());
    expect(quiet).to.deep.equal([]);
    const loud = capture(() => Streams({ Verbose: true, Debug: true }));
    expect(loud.map(([l, s]) => [l, plain(s)])).to.deep.equal([
      ['verbose', 'VERBOSE: verbose line'],
      ['debug', 'DEBUG: debug line'],
    ]);
    expect(capture(() => pode`Invoke-PodeStreams -vb`).map(([, s]) => plain(s))).to.deep.equal(['VERBOSE: verbose line']);
  });

  it('WarningAction and WarningVariable', () => {
    variables.clear();
    expect(capture(() => Streams({ Warn: true })).map(([, s]) => plain(s))).to.deep.equal(['WARNING: careful']);
    expect(capture(() => Streams({ Warn: true, WarningAction: 'SilentlyContinue', WarningVariable: 'w' }))).to.deep.equal([]);
    expect(variables.get('w')).to.deep.equal(['careful']);
    const err = failure(() => Streams({ Warn: true, WarningAction: 'Stop' }));
    expect(err.ErrorId).to.equal('ActionPreferenceStop,Invoke-PodeStreams');
    expect(err.message).to.equal('The running command stopped because the preference variable "WarningPreference" or common parameter is set to Stop: careful');
  });

  it('InformationAction and InformationVariable', () => {
    expect(capture(() => Streams({ Inform: true })).map(([, s]) => plain(s))).to.deep.equal(['note']);
    expect(capture(() => Streams({ Inform: true, InformationAction: 'Ignore', InformationVariable: 'i' }))).to.deep.equal([]);
    expect(variables.get('i')).to.deep.equal([]);
  });
});

describe('invoke: pipeline input', () => {
  it('binds piped values to the ValueFromPipeline parameter; several become one array for Object', () => {
    const r = Probe.pipe([1, 2, 3], { Name: 'Actions' }) as { set: string; args: Record<string, unknown>; input: boolean };
    expect(r.set).to.equal('Name');
    expect(r.args.Data).to.deep.equal([1, 2, 3]);
    expect(r.input).to.equal(true);
    expect((Probe.pipe('one') as { args: Record<string, unknown> }).args.Data).to.equal('one');
  });

  it('does not report the piped parameter missing', () => {
    expect(failure(() => Probe({ Name: 'a' })).Id).to.equal('MissingMandatoryParameter');
    expect(() => Probe.pipe([1], { Name: 'a' })).not.to.throw();
  });

  it('runs once per value for other types', () => {
    expect(Upper.pipe(['a', 'b'])).to.deep.equal(['A', 'B']);
    expect(Upper.pipe(new Set(['x']))).to.equal('X');
  });

  it('refuses input when the pipeline parameter is already bound', () => {
    const err = failure(() => Probe.pipe([1], 'x'));
    expect(err.ErrorId).to.equal('InputObjectNotBound,Invoke-PodeProbe');
  });
});

describe('invoke: implementation arguments', () => {
  it('applies defaults and reports $PSBoundParameters', () => {
    const r = Probe('x') as { args: Record<string, unknown>; bound: string[] };
    expect(r.args).to.deep.equal({ Data: 'x', Depth: 10, FromEvent: false });
    expect(r.bound).to.deep.equal(['Data']);
  });
});
