// Every read endpoint runs a fixed number of SQL queries, whatever the page size.
import t from 'tap';
import { startApp, vpnTicket, leaveTicket } from '../support/app.ts';
import { countingApp } from '../support/counting-app.ts';

t.test('queries per request do not grow with the page', async (t) => {
  const api = await startApp(t);
  const creators = ['lilei', 'wangwu', 'zhangsan', 'guiji', 'jack'];
  for (let i = 0; i < 110; i++) {
    const body = i % 2 ? vpnTicket({ title: `vpn ${i}` }) : leaveTicket({ title: `leave ${i}` });
    const res = await api.call('POST', '/api/v1.0/tickets', { body, as: creators[i % creators.length] });
    t.equal(res.status, 200);
  }
  const queriesFor = await countingApp(t, api);

  for (const username of ['zhangsan', 'admin']) {
    for (const category of ['all', 'owner', 'duty', 'relation', 'worked']) {
      const ten = await queriesFor('/api/v1.0/tickets', { category, per_page: '10' }, username);
      const hundred = await queriesFor('/api/v1.0/tickets', { category, per_page: '100' }, username);
      t.equal(hundred, ten, `${category} as ${username}: a page of 100 runs as many queries (${hundred}) as a page of 10`);
      t.ok(hundred <= 6, `${category} as ${username}: ${hundred} queries`);
    }
  }
  const page = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', per_page: 100 } });
  t.equal(page.body.data.value.length, 100, 'the page really holds 100 tickets');
  t.ok((await queriesFor('/api/v1.0/tickets/1', {}, 'zhangsan')) <= 7, 'detail');
  t.ok((await queriesFor('/api/v1.0/tickets/1/transitions', {}, 'zhangsan')) <= 3, 'transitions');
});
