import t from 'tap';
import { hostRefusal, parseHostAllowList } from '../../src/reactions/delivery/host-allow-list.ts';
import { retryDelayMs, type RetryPolicy } from '../../src/reactions/delivery/backoff.ts';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 3000 };

t.test('waits double after each failure, within a jittered half, up to the cap, then gives up', async (t) => {
  t.same(
    [1, 2, 3].map((n) => retryDelayMs(policy, n, 0)),
    [500, 1000, 1500],
    'the fixed half',
  );
  t.same(
    [1, 2, 3].map((n) => retryDelayMs(policy, n, 0.999_999)),
    [1000, 2000, 3000],
    'up to the whole wait, capped',
  );
  t.equal(retryDelayMs(policy, 4, 0.5), undefined, 'the last attempt gives up');
});

t.test('a listed host matches with or without its default port', async (t) => {
  const list = parseHostAllowList(' hooks.example.com:80, 127.0.0.1:9000 ');
  t.equal(hostRefusal(list, 'http://hooks.example.com/x'), undefined);
  t.equal(hostRefusal(list, 'http://HOOKS.example.com:80/x'), undefined);
  t.equal(hostRefusal(list, 'http://127.0.0.1:9000/hook'), undefined);
  t.match(hostRefusal(list, 'http://127.0.0.1:9001/hook'), /127\.0\.0\.1:9001 is not in HOOK_HOST_ALLOWED/);
  t.match(hostRefusal(list, 'not a url'), /not a valid URL/);
  t.equal(hostRefusal(parseHostAllowList(undefined), 'https://anywhere.example/'), undefined, 'unset allows any host');
});
