// Participant types resolved from ticket data (7 ticket field, 8 parent ticket field) and
// random distribution, over HTTP.
import t from 'tap';
import { startApp } from '../support/app.ts';

t.test('participants from fields, from the parent ticket, and by lot', async (t) => {
  const api = await startApp(t, { random: () => 0.99 });
  const applied = await api.call('PUT', '/api/v1.0/config', {
    as: 'admin',
    body: {
      workflows: [
        {
          id: 50,
          name: 'field routed',
          custom_fields: [{ id: 501, field_key: 'reviewer', field_name: 'Reviewer', field_type_id: 60, order_id: 10 }],
          states: [
            { id: 501, name: 'start', type_id: 1, participant_type_id: 5, participant: 'creator', state_field: { reviewer: 2 } },
            { id: 502, name: 'review', participant_type_id: 7, participant: 'reviewer' },
            { id: 503, name: 'end', type_id: 2, participant_type_id: 0 },
          ],
          transitions: [
            { id: 501, name: 'submit', source_state_id: 501, destination_state_id: 502 },
            { id: 502, name: 'done', source_state_id: 502, destination_state_id: 503 },
          ],
        },
        {
          id: 51,
          name: 'child of a field routed ticket',
          states: [
            { id: 511, name: 'start', type_id: 1, participant_type_id: 5, participant: 'creator' },
            { id: 512, name: 'parent reviewer', participant_type_id: 8, participant: 'reviewer' },
            { id: 513, name: 'by lot', participant_type_id: 2, participant: 'lisi,wangwu,guiji', distribute_type_id: 3 },
            { id: 514, name: 'end', type_id: 2, participant_type_id: 0 },
          ],
          transitions: [
            { id: 511, name: 'submit', source_state_id: 511, destination_state_id: 512 },
            { id: 512, name: 'pass on', source_state_id: 512, destination_state_id: 513 },
            { id: 513, name: 'done', source_state_id: 513, destination_state_id: 514 },
          ],
        },
      ],
    },
  });
  t.equal(applied.status, 200, JSON.stringify(applied.body));
  const detail = async (id: number) => (await api.call('GET', `/api/v1.0/tickets/${id}`, { as: 'admin' })).body.data.value;

  const parent = (await api.call('POST', '/api/v1.0/tickets', { body: { workflow_id: 50, transition_id: 501, reviewer: 'jack' } })).body
    .data.ticket_id;
  t.match(await detail(parent), { state_id: 502, participant_type_id: 1, participant: 'jack' }, 'type 7: the reviewer field');

  const child = (
    await api.call('POST', '/api/v1.0/tickets', {
      body: { workflow_id: 51, transition_id: 511, parent_ticket_id: parent, parent_ticket_state_id: 502 },
    })
  ).body.data.ticket_id;
  t.match(await detail(child), { state_id: 512, participant: 'jack', parent_ticket_id: parent }, "type 8: the parent's reviewer");

  const passed = await api.call('PATCH', `/api/v1.0/tickets/${child}`, { as: 'jack', body: { transition_id: 512 } });
  t.equal(passed.status, 200);
  t.match(
    await detail(child),
    { state_id: 513, participant_type_id: 1, participant: 'guiji' },
    'random picks one username (the draw 0.99 is the last)',
  );
  const children = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', parent_ticket_id: parent } });
  t.same(
    children.body.data.value.map((i: { id: number }) => i.id),
    [child],
  );
});
