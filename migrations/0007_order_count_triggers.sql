-- Inbox counts maintained by statement-level triggers on orders. Each statement appends its net
-- change per (dimension, value) to order_count_deltas: an append, never an UPDATE of a shared counter
-- row, so concurrent ingestion batches never wait on each other here. inbox.fold-counts folds the
-- deltas into order_counts; a read is base + Σ deltas in one snapshot, so it is always exact.
CREATE OR REPLACE FUNCTION order_counts_delta() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO order_count_deltas (dim, value, n)
    SELECT d.dim, d.value, count(*) FROM new_rows o,
      LATERAL (VALUES ('total', ''), ('status', o.status), ('allocation', o.allocation_status), ('channel', o.channel)) AS d(dim, value)
    GROUP BY d.dim, d.value
    UNION ALL
    SELECT 'exception', e, count(*) FROM new_rows o, unnest(o.exceptions) AS e WHERE o.status <> 'cancelled' GROUP BY e;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO order_count_deltas (dim, value, n)
    SELECT d.dim, d.value, -count(*) FROM old_rows o,
      LATERAL (VALUES ('total', ''), ('status', o.status), ('allocation', o.allocation_status), ('channel', o.channel)) AS d(dim, value)
    GROUP BY d.dim, d.value
    UNION ALL
    SELECT 'exception', e, -count(*) FROM old_rows o, unnest(o.exceptions) AS e WHERE o.status <> 'cancelled' GROUP BY e;
  ELSE
    INSERT INTO order_count_deltas (dim, value, n)
    SELECT dim, value, sum(n) FROM (
      SELECT d.dim, d.value, 1 AS n FROM new_rows o,
        LATERAL (VALUES ('status', o.status), ('allocation', o.allocation_status), ('channel', o.channel)) AS d(dim, value)
      UNION ALL
      SELECT 'exception', e, 1 FROM new_rows o, unnest(o.exceptions) AS e WHERE o.status <> 'cancelled'
      UNION ALL
      SELECT d.dim, d.value, -1 FROM old_rows o,
        LATERAL (VALUES ('status', o.status), ('allocation', o.allocation_status), ('channel', o.channel)) AS d(dim, value)
      UNION ALL
      SELECT 'exception', e, -1 FROM old_rows o, unnest(o.exceptions) AS e WHERE o.status <> 'cancelled'
    ) AS x
    GROUP BY dim, value HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION order_counts_truncate() RETURNS trigger AS $$
BEGIN
  DELETE FROM order_count_deltas;
  DELETE FROM order_counts;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
INSERT INTO order_counts (dim, value, n)
SELECT d.dim, d.value, count(*) FROM orders o,
  LATERAL (VALUES ('total', ''), ('status', o.status), ('allocation', o.allocation_status), ('channel', o.channel)) AS d(dim, value)
GROUP BY d.dim, d.value
UNION ALL
SELECT 'exception', e, count(*) FROM orders o, unnest(o.exceptions) AS e WHERE o.status <> 'cancelled' GROUP BY e;
--> statement-breakpoint
CREATE TRIGGER orders_counts_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION order_counts_delta();
--> statement-breakpoint
CREATE TRIGGER orders_counts_update AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION order_counts_delta();
--> statement-breakpoint
CREATE TRIGGER orders_counts_delete AFTER DELETE ON orders
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION order_counts_delta();
--> statement-breakpoint
CREATE TRIGGER orders_counts_truncate AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION order_counts_truncate();
