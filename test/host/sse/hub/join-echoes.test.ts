// Which of two joins of one key is the later one (host/sse/hub/join-echoes.ts), as the Redis and cluster hubs use it.
import { expect } from 'chai';
import { JoinEchoes } from '../../../../host/sse/hub/join-echoes.ts';

const k = { name: 'Events', clientId: 'k' };
const other = { name: 'Events', clientId: 'other' };

describe('JoinEchoes', () => {
  it('awaits each own join until it is heard back, per key', () => {
    const echoes = new JoinEchoes();
    expect(echoes.awaiting(k)).to.equal(false);
    echoes.joined(k);
    echoes.joined(k);
    expect(echoes.awaiting(k)).to.equal(true);
    expect(echoes.awaiting(other)).to.equal(false);
    echoes.echoed(k);
    expect(echoes.awaiting(k)).to.equal(true);
    echoes.echoed(k);
    expect(echoes.awaiting(k)).to.equal(false);
    echoes.echoed(k); // an echo with nothing sent (e.g. after clear) is ignored
    expect(echoes.awaiting(k)).to.equal(false);
  });

  it('clear() forgets joins that may never come back', () => {
    const echoes = new JoinEchoes();
    echoes.joined(k);
    echoes.clear();
    expect(echoes.awaiting(k)).to.equal(false);
  });

  it('a join older than maxAgeMs counts as lost', () => {
    const expired = new JoinEchoes(-1); // every join is already past its age
    expired.joined(k);
    expect(expired.awaiting(k)).to.equal(false);
    const fresh = new JoinEchoes(60_000);
    fresh.joined(k);
    expect(fresh.awaiting(k)).to.equal(true);
  });
});
