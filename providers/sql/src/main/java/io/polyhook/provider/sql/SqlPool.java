package io.polyhook.provider.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.core.statement.Update;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.List;

/**
 * One named SQL pool: HikariCP connections under JDBI. Created without connecting (HikariCP
 * fills the pool in the background and keeps retrying while the server is down), so
 * {@code ensure_pool} never waits for the database; a call waits at most the connect timeout
 * for a connection. Thread-safe; lives in the node's pool registry until the broker stops.
 */
final class SqlPool implements AutoCloseable {

    private final SqlLibrary library;
    private final String poolId;
    private final PoolSettings settings;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private SqlPool(SqlLibrary library, String poolId, PoolSettings settings, HikariDataSource dataSource) {
        this.library = library;
        this.poolId = poolId;
        this.settings = settings;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        SqlStatements statements = jdbi.getConfig(SqlStatements.class);
        // Scripts' SQL goes to the server as written: no <attribute> templating, and
        // placeholders as the library defines them (see ScriptStatement).
        statements.setTemplateEngine(TemplateEngine.NOP);
        statements.setSqlParser(new ScriptSqlParser(library.dialect()));
        // $1 and $3 without $2 is the server's business, not JDBI's.
        statements.setUnusedBindingAllowed(true);
    }

    static SqlPool open(SqlLibrary library, String poolId, PoolSettings settings) {
        DataSource driver = DataSources.create(library, settings);
        HikariConfig config = new HikariConfig();
        config.setPoolName("polyhook-" + library.libraryName() + "-" + poolId);
        config.setDataSource(driver);
        config.setMaximumPoolSize(settings.size());
        config.setMinimumIdle(settings.size());
        config.setConnectionTimeout(settings.connectTimeout().toMillis());
        config.setValidationTimeout(settings.connectTimeout().toMillis());
        // Start without a connection: a database that is down must not fail ensure_pool.
        config.setInitializationFailTimeout(-1);
        return new SqlPool(library, poolId, settings, new HikariDataSource(config));
    }

    PoolSettings settings() {
        return settings;
    }

    /** How many connections the pool holds at most. */
    int maximumSize() {
        return dataSource.getMaximumPoolSize();
    }

    /** How many connections the pool holds now, busy or idle. */
    int openConnections() {
        HikariPoolMXBean state = dataSource.getHikariPoolMXBean();
        return state == null ? 0 : state.getTotalConnections();
    }

    boolean isClosed() {
        return dataSource.isClosed();
    }

    /**
     * Runs {@code statement} with {@code values} bound to its parameters, in autocommit mode.
     *
     * @return the result as vmq_diversity gives it (see {@link #result})
     * @throws BackendError if the server refused the statement (syntax, constraint, ...)
     * @throws Unavailable  if there was no connection, or it broke during the call
     */
    Object execute(String sql, ScriptStatement statement, List<Object> values) throws BackendError, Unavailable {
        Handle handle;
        try {
            handle = jdbi.open();
        } catch (ConnectionException e) {
            throw unavailable(e.getCause() == null ? e : e.getCause());
        }
        try (handle) {
            Update update = handle.createUpdate(sql);
            for (int i = 0; i < values.size(); i++) {
                update.bind(ScriptStatement.parameterName(i + 1), values.get(i));
            }
            return update.execute((statementSupplier, context) -> result(statementSupplier.get(), statement));
        } catch (JdbiException e) {
            SQLException sqlError = sqlException(e);
            if (sqlError == null) {
                // Not the exception itself, not even as a cause: JDBI's messages list the
                // bound values, which may be passwords.
                Throwable innermost = e;
                while (innermost.getCause() != null && innermost.getCause() != innermost) {
                    innermost = innermost.getCause();
                }
                throw new Unavailable("failed in the driver (" + innermost.getClass().getName() + ")", null);
            }
            if (isConnectionFailure(sqlError)) {
                throw new Unavailable("lost the connection to " + settings.address() + " (" + reason(sqlError) + ")", sqlError);
            }
            throw new BackendError(sqlError);
        }
    }

    /**
     * vmq_diversity's results: rows as a list; for PostgreSQL a row-changing statement gives
     * whether it changed a row (RETURNING rows included), and any other statement without rows
     * an empty list; for MySQL a statement without rows gives true.
     */
    private Object result(PreparedStatement ps, ScriptStatement statement) throws SQLException {
        ResultSet rs = ps.getResultSet();
        boolean postgres = library.dialect() == SqlLibrary.Dialect.POSTGRES;
        if (rs != null) {
            List<Object> rows;
            try (rs) {
                rows = Rows.read(rs);
            }
            return postgres && statement.changesRows() ? (Object) !rows.isEmpty() : rows;
        }
        if (!postgres) {
            return true;
        }
        return statement.changesRows() ? (Object) (ps.getUpdateCount() > 0) : List.of();
    }

    private Unavailable unavailable(Throwable cause) {
        HikariPoolMXBean state = dataSource.getHikariPoolMXBean();
        if (rootCause(cause) instanceof SQLTransientConnectionException && state != null
                && state.getActiveConnections() >= settings.size()) {
            return new Unavailable("busy: all " + settings.size() + " connections in use for "
                    + settings.connectTimeout().toMillis() + " ms", cause);
        }
        return new Unavailable("cannot connect to " + settings.address() + " (" + reason(cause) + ")", cause);
    }

    /**
     * Why a connection failed, in words that hold no secret: the kind of failure, never the
     * driver's message (which may quote the connection settings).
     */
    static String reason(Throwable failure) {
        String sqlState = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof SocketTimeoutException) {
                return "timed out";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof SQLException s && s.getSQLState() != null && sqlState == null) {
                sqlState = s.getSQLState();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (sqlState == null) {
            return failure instanceof SQLTransientConnectionException ? "timed out" : "connection failed";
        }
        if (sqlState.startsWith("28")) {
            return "authentication failed";
        }
        if (sqlState.equals("3D000")) {
            return "unknown database";
        }
        return "SQLState " + sqlState;
    }

    private static SQLException sqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable e) {
        return e instanceof SQLException ? e : e.getCause() == null ? e : e.getCause();
    }

    /**
     * Whether the failure is the connection's rather than the statement's: SQLState class 08,
     * PostgreSQL's shutdown states (57P0x), a timeout, or a connection-class exception.
     */
    static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException || t instanceof SQLTimeoutException
                    || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return "SqlPool[" + library.libraryName() + " " + poolId + " " + settings.address() + "]";
    }

    /** The server refused the statement; scripts get false. */
    static final class BackendError extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient SQLException cause;

        BackendError(SQLException cause) {
            super(null, cause, false, false);
            this.cause = cause;
        }

        String sqlState() {
            return cause.getSQLState() == null ? "none" : cause.getSQLState();
        }

        int vendorCode() {
            return cause.getErrorCode();
        }
    }

    /**
     * No connection to be had, it broke, or the driver failed; scripts get an error. The
     * message holds no secret; the cause, if any, is the driver's exception, never JDBI's.
     */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Hands JDBI the statement as {@link ScriptStatement} reads it. */
    private record ScriptSqlParser(SqlLibrary.Dialect dialect) implements SqlParser {
        @Override
        public ParsedSql parse(String sql, StatementContext ctx) {
            return ScriptStatement.parse(dialect, sql).sql();
        }

        @Override
        public String nameParameter(String rawName, StatementContext ctx) {
            return rawName;
        }
    }
}
