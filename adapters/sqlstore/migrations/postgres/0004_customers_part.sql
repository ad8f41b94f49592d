-- Customers keep the partition hash of their id (retention.CustomerHash), as
-- their vehicles do, so that a worker of a partitioned run reads only its
-- range of them (CustomersIn). The hash is computed in Go: rows written
-- before this migration keep NULL until the store files them when it opens,
-- which the index makes one probe once they are filed.
ALTER TABLE customers ADD COLUMN part BIGINT;
CREATE INDEX customers_by_part ON customers (part);
