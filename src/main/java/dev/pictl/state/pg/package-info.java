/**
 * The state in PostgreSQL, for team use (docs/state.md, "Team use: the state in PostgreSQL"): the
 * {@link dev.pictl.state.StateBackend} behind a {@code state { backend = "pg" }} block.
 *
 * <p>Owns the tables (one schema, one row per cluster, the history of versions, the lock holder, the key of the
 * secrets' hashes), the session-level advisory lock held on one dedicated connection for a writer's whole run, the
 * compare-and-set write in one transaction, {@code state push}/{@code pull}, the rescue file a writer that loses
 * the database writes, and libpq's way of finding the password ({@code PGPASSWORD}, {@code ~/.pgpass} with its
 * permission rule). Uses JDBC only ({@code java.sql}); the official driver is found by {@code DriverManager}.
 *
 * <p>Depends on {@code state} (values, encoding, the contract) and {@code io}; never on the description, a node
 * or a plan. Nothing here prints; problems are {@link dev.pictl.state.StateException}s.
 */
package dev.pictl.state.pg;
