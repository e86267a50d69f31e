// Recorded `config` events become typed catalog events in one place.
import t from 'tap';
import { decodeCatalogEvent } from '../../src/domain/catalog/decode-event.ts';

t.test('given a recorded catalog event, when decoded, then the typed event with its data', async (t) => {
  const data = { role: { id: 1, name: 'r', description: '', members: [] } };
  t.strictSame(decodeCatalogEvent('RoleDefined', data), { type: 'RoleDefined', data });
});

t.test('given an event of a type the catalog does not know, when decoded, then undefined', async (t) => {
  t.equal(decodeCatalogEvent('TicketCreated', {}), undefined, "another stream's event");
  t.equal(decodeCatalogEvent('SomethingNewer', { x: 1 }), undefined, 'a type a newer version wrote');
});
