import t from 'tap';
import { renderTemplate } from '../../src/reactions/notices/template.ts';

const snapshot = { title: 'vpn for lilei', gmt_created: '2026-12-01 10:00:00', leave_days: 3, urgent: true, tags: ['a', 'b'], empty: null };

t.test("loonflow's format syntax: names, escaped braces, format specs", async (t) => {
  t.equal(renderTemplate('你有一个待办工单:{title}', snapshot), '你有一个待办工单:vpn for lilei');
  t.equal(renderTemplate('标题:{title}, 创建时间:{gmt_created}', snapshot), '标题:vpn for lilei, 创建时间:2026-12-01 10:00:00');
  t.equal(renderTemplate('{leave_days} days, urgent: {urgent}, {tags}', snapshot), '3 days, urgent: true, ["a","b"]');
  t.equal(renderTemplate('{{literal}} {title!s} {leave_days:>5}', snapshot), '{literal} vpn for lilei 3');
});

t.test('an unknown name or an unset value renders empty instead of dropping the notice', async (t) => {
  t.equal(renderTemplate('[{nosuchfield}] [{empty}] [{}]', snapshot), '[] [] []');
  t.equal(renderTemplate('no placeholders', snapshot), 'no placeholders');
  t.equal(renderTemplate('{title', snapshot), '{title', 'an unclosed brace stays as written');
});
