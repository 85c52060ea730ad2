// `podets help` and `podets bind` through the real CLI: what they print, on which stream, and the exit code.
import { expect } from 'chai';
import { execa } from 'execa';
import { cliPath, repoRoot } from '../../helpers/serve.ts';

const podets = (...args: string[]) => execa(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { NO_COLOR: '1' }, reject: false });

describe('podets help / bind (end to end)', function () {
  this.timeout(20_000);

  it('help: lists every cmdlet with its group and synopsis', async () => {
    const r = await podets('help');
    expect(r.exitCode).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).to.match(/^Name\s+Group\s+Synopsis$/);
    for (const [name, group] of [
      ['Add-PodeTimer', 'Timers'],
      ['Remove-PodeSchedule', 'Schedules'],
      ['New-PodeLogTerminalMethod', 'Logging'],
      ['ConvertTo-PodeSseConnection', 'SSE'],
    ]) {
      expect(lines.some((l) => new RegExp(`^${name}\\s+${group}\\s+\\S`).test(l)), name).to.equal(true);
    }
  });

  it('help <name>: the Get-Help page, for any casing of the name', async () => {
    const r = await podets('help', 'convertto-podesseconnection');
    expect(r.exitCode).to.equal(0);
    expect(r.stdout.split('\n').slice(0, 6)).to.deep.equal([
      '',
      'NAME',
      '    ConvertTo-PodeSseConnection',
      '',
      'SYNOPSIS',
      '    Converts the current HTTP request to a Route to be an SSE connection.',
    ]);
    expect(r.stdout).to.include('\nSYNTAX\n    ConvertTo-PodeSseConnection [-Name] <String>');
    expect(r.stderr).to.equal('');
  });

  it('help <unknown>: exit 1, naming the closest cmdlets', async () => {
    const r = await podets('help', 'Add-PodeTimr');
    expect(r.exitCode).to.equal(1);
    expect(r.stdout).to.equal('');
    const m = /^podets: no cmdlet named 'Add-PodeTimr'\. Closest: (.+)$/.exec(r.stderr);
    expect(m, r.stderr).to.not.equal(null);
    const closest = m![1]!.split(', ');
    expect(closest).to.have.length(3);
    expect(closest[0]).to.equal('Add-PodeTimer');
  });

  it('bind: the parameter set and bound parameters as JSON', async () => {
    const r = await podets('bind', 'ConvertTo-PodeSseConnection a g Local 5 c1');
    expect(r.exitCode).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({
      ParameterSetName: '__AllParameterSets',
      BoundParameters: { Name: 'a', Group: 'g', Scope: 'Local', RetryDuration: 5, ClientId: 'c1' },
    });
  });

  it('bind: a binding error goes to stderr with its FullyQualifiedErrorId, exit 1', async () => {
    const r = await podets('bind', 'ConvertTo-PodeSseConnection -Nme x');
    expect(r.exitCode).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal(
      "ConvertTo-PodeSseConnection: A parameter cannot be found that matches parameter name 'Nme'. Did you mean 'Name'?\n" +
        'FullyQualifiedErrorId: NamedParameterNotFound,ConvertTo-PodeSseConnection',
    );
  });

  it('bind works for the timer cmdlets too', async () => {
    const r = await podets('bind', 'Add-PodeTimer -Name t -Interval 5 -FilePath ./job.ts -Limit 2');
    expect(r.exitCode).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ ParameterSetName: 'File', BoundParameters: { Name: 't', Interval: 5, FilePath: './job.ts', Limit: 2 } });
  });
});
