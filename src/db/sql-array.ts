import { sql, type SQL } from 'drizzle-orm';

/**
 * A JS array as one bound parameter, typed as a PostgreSQL array. Drizzle expands an interpolated
 * array into a tuple `($1, $2)`, which `= any(...)` cannot use; JSON works the same on both drivers.
 * @example sql`where id = any(${pgArray(ids, 'uuid')})`
 */
export function pgArray(values: ReadonlyArray<string | number>, type: 'text' | 'uuid' | 'bigint' | 'int'): SQL {
  return sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))::${sql.raw(type)}[]`;
}
