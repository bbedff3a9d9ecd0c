-- Allocation's work queue is "orders waiting for allocation": partial indexes keep finding them cheap
-- however large the order table grows (the orders table itself belongs to the inbox schema).
CREATE INDEX IF NOT EXISTS "orders_alloc_pending_idx" ON "orders" USING btree ("placed_at", "id") WHERE allocation_status = 'pending';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "orders_alloc_open_skus_idx" ON "orders" USING gin ("skus") WHERE allocation_status IN ('pending', 'backordered', 'partial');
