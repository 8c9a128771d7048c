package io.polyhook.provider.sql;

import org.jdbi.v3.core.statement.ParsedSql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.polyhook.provider.sql.SqlLibrary.Dialect.MARIADB;
import static io.polyhook.provider.sql.SqlLibrary.Dialect.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

class ScriptStatementTest {

    private static ParsedSql pg(String sql) {
        return ScriptStatement.parse(POSTGRES, sql).sql();
    }

    private static ParsedSql my(String sql) {
        return ScriptStatement.parse(MARIADB, sql).sql();
    }

    @Test
    void postgresDollarPlaceholdersBecomeNamedParameters() {
        ScriptStatement s = ScriptStatement.parse(POSTGRES, "SELECT * FROM t WHERE a=$1 AND b=$2 AND c=$3");
        assertThat(s.sql().getSql()).isEqualTo("SELECT * FROM t WHERE a=? AND b=? AND c=?");
        assertThat(s.sql().getParameters().getParameterNames()).containsExactly("p1", "p2", "p3");
        assertThat(s.parameterCount()).isEqualTo(3);
    }

    @Test
    void postgresPlaceholdersMayRepeatAndComeOutOfOrder() {
        ScriptStatement s = ScriptStatement.parse(POSTGRES, "SELECT $2, $1, $2");
        assertThat(s.sql().getParameters().getParameterNames()).containsExactly("p2", "p1", "p2");
        assertThat(s.parameterCount()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT '$1'",
            "SELECT 'it''s $1'",
            "SELECT E'\\'$1'",
            "SELECT \"$1\"",
            "SELECT $$ $1 $$",
            "SELECT $tag$ $1 $$ $tag$",
            "SELECT 1 -- $1",
            "SELECT /* $1 /* nested $2 */ $3 */ 1",
            "SELECT a$1 FROM t"})
    void postgresPlaceholdersInsideLiteralsIdentifiersAndCommentsAreText(String sql) {
        ScriptStatement s = ScriptStatement.parse(POSTGRES, sql);
        assertThat(s.parameterCount()).isZero();
        assertThat(s.sql().getSql()).isEqualTo(sql);
    }

    @Test
    void aQuestionMarkOperatorIsEscapedForPgjdbc() {
        assertThat(pg("SELECT doc ? 'a' FROM t WHERE id = $1").getSql()).isEqualTo("SELECT doc ?? 'a' FROM t WHERE id = ?");
        assertThat(pg("SELECT '?'").getSql()).isEqualTo("SELECT '?'");
    }

    @Test
    void castsStayAsTheyAre() {
        assertThat(pg("SELECT $1::int, $2::text").getSql()).isEqualTo("SELECT ?::int, ?::text");
    }

    @Test
    void mysqlQuestionMarksBecomeParametersInOrder() {
        ScriptStatement s = ScriptStatement.parse(MARIADB, "SELECT * FROM t WHERE a=? AND b=PASSWORD(?)");
        assertThat(s.sql().getSql()).isEqualTo("SELECT * FROM t WHERE a=? AND b=PASSWORD(?)");
        assertThat(s.sql().getParameters().getParameterNames()).containsExactly("p1", "p2");
        assertThat(s.parameterCount()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT '?'",
            "SELECT 'a\\'?'",
            "SELECT \"?\"",
            "SELECT `a?`",
            "SELECT 1 # ?",
            "SELECT 1 -- ?",
            "SELECT /* ? */ 1",
            "SELECT $1"})
    void mysqlQuestionMarksInsideLiteralsIdentifiersAndCommentsAreText(String sql) {
        ScriptStatement s = ScriptStatement.parse(MARIADB, sql);
        assertThat(s.parameterCount()).isZero();
        assertThat(s.sql().getSql()).isEqualTo(sql);
    }

    @Test
    void mysqlDoubleDashWithoutASpaceIsNotAComment() {
        assertThat(my("SELECT 1--?").getParameters().getParameterNames()).containsExactly("p1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "update t set a = 1", " /* c */ DELETE FROM t",
            "(UPDATE t SET a = 1)", "MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE"})
    void rowChangingStatementsAreRecognisedByTheirFirstWord(String sql) {
        assertThat(ScriptStatement.parse(POSTGRES, sql).changesRows()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "CREATE TABLE t (a int)", "WITH x AS (SELECT 1) SELECT * FROM x",
            "DROP TABLE IF EXISTS t", "-- INSERT\nSELECT 1"})
    void otherStatementsDoNotChangeRows(String sql) {
        assertThat(ScriptStatement.parse(POSTGRES, sql).changesRows()).isFalse();
    }
}
