// Real faults in the real database, for the tests of what a projection does when it fails.
import { sql, type Kysely } from 'kysely';

/**
 * Makes the tickets table refuse a row with `title` (as a value too long for an index or a
 * bug would), until `remove` is called or the database is gone.
 */
export async function refuseTicketTitle(db: Kysely<any>, title: string, message: string): Promise<{ remove(): Promise<void> }> {
  await sql`
    create function refuse_ticket_title() returns trigger language plpgsql as ${sql.raw(`$$
    begin
      if new.title = ${quoted(title)} then raise exception ${quoted(message)}; end if;
      return new;
    end $$`)}`.execute(db);
  await sql`create trigger tickets_refuse_title before insert or update on tickets for each row execute function refuse_ticket_title()`.execute(
    db,
  );
  return {
    async remove() {
      await sql`drop trigger tickets_refuse_title on tickets`.execute(db);
    },
  };
}

const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;
