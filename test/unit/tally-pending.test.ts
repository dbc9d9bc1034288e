// Read-your-writes within a process (server/src/analytics/tally-pending.ts): a reader waits for
// the responses of its wave queued before it, not for later ones, and never longer than asked.
import { backlog, noteCounted, noteQueued, tallySettled } from '../../server/src/analytics/tally-pending';

const state = (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  return () => done;
};
const tick = () => new Promise((r) => setImmediate(r));

describe('tallySettled', () => {
  it('resolves at once for a wave with nothing queued', async () => {
    const settled = state(tallySettled('quiet'));
    await tick();
    expect(settled()).toBe(true);
  });

  it('waits for the responses queued before it, not for those queued after', async () => {
    noteQueued('a');
    noteQueued('a');
    const first = state(tallySettled('a'));
    noteQueued('a'); // after the reader came
    const second = state(tallySettled('a'));
    expect(backlog()).toBe(3);
    noteCounted('a');
    await tick();
    expect(first()).toBe(false);
    noteCounted('a');
    await tick();
    expect(first()).toBe(true);
    expect(second()).toBe(false);
    noteCounted('a');
    await tick();
    expect(second()).toBe(true);
    expect(backlog()).toBe(0);
  });

  it('waits for every wave it is given, and for another wave not at all', async () => {
    noteQueued('b');
    noteQueued('c');
    const both = state(tallySettled(['b', 'c']));
    const other = state(tallySettled('d'));
    noteCounted('b');
    await tick();
    expect(both()).toBe(false);
    expect(other()).toBe(true);
    noteCounted('c');
    await tick();
    expect(both()).toBe(true);
  });

  it('gives up after maxMs', async () => {
    noteQueued('slow');
    const started = Date.now();
    await tallySettled('slow', 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    noteCounted('slow');
    expect(backlog()).toBe(0);
  });
});
