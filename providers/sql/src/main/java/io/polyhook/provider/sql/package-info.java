/**
 * The {@code postgres}, {@code cockroachdb}, {@code mysql} and {@code mysql2} libraries:
 * vmq_diversity's SQL providers on JDBI over HikariCP, with pools by {@code pool_id}.
 */
package io.polyhook.provider.sql;
