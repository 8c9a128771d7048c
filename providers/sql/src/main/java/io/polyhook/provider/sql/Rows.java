package io.polyhook.provider.sql;

import io.polyhook.core.provider.Values;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a result set into the value model: a list of rows, each a map from column label to
 * value in column order. SQL {@code NULL} leaves the column out of the row, as a Lua table
 * cannot hold {@code nil}.
 *
 * <ul>
 *   <li>integer types become {@code Long}; {@code numeric}/{@code decimal} with scale 0 a
 *       {@code Long} when it fits, otherwise (and every float) a {@code Double};</li>
 *   <li>{@code boolean} becomes {@code Boolean};</li>
 *   <li>text types, {@code json}/{@code jsonb}, {@code uuid} and other types without a model
 *       equivalent become their text form, a {@code String};</li>
 *   <li>{@code bytea}/{@code blob}/{@code binary} become {@code byte[]};</li>
 *   <li>dates, times and timestamps become ISO-8601 strings ({@code 2024-05-01},
 *       {@code 2024-05-01T12:30:00}, with the offset for {@code timestamptz});</li>
 *   <li>arrays become lists of values converted the same way.</li>
 * </ul>
 */
final class Rows {

    private Rows() {
    }

    static List<Object> read(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int columns = meta.getColumnCount();
        String[] labels = new String[columns];
        for (int i = 0; i < columns; i++) {
            labels[i] = meta.getColumnLabel(i + 1);
        }
        List<Object> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = LinkedHashMap.newLinkedHashMap(columns);
            for (int i = 1; i <= columns; i++) {
                Object value = value(rs, meta, i);
                if (value != null) {
                    row.put(labels[i - 1], value);
                }
            }
            rows.add(row);
        }
        return rows;
    }

    private static Object value(ResultSet rs, ResultSetMetaData meta, int column) throws SQLException {
        int type = meta.getColumnType(column);
        Object value = switch (type) {
            case Types.DATE -> rs.getObject(column, LocalDate.class);
            case Types.TIME -> rs.getObject(column, LocalTime.class);
            case Types.TIME_WITH_TIMEZONE -> rs.getObject(column, OffsetTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(column, OffsetDateTime.class);
            case Types.TIMESTAMP -> timestamp(rs, meta, column);
            case Types.NUMERIC, Types.DECIMAL -> rs.getBigDecimal(column);
            default -> rs.getObject(column);
        };
        if (rs.wasNull() || value == null) {
            return null;
        }
        return model(value, rs, column);
    }

    // pgjdbc reports timestamptz as TIMESTAMP too; its type name tells them apart.
    private static Object timestamp(ResultSet rs, ResultSetMetaData meta, int column) throws SQLException {
        if ("timestamptz".equalsIgnoreCase(meta.getColumnTypeName(column))) {
            return rs.getObject(column, OffsetDateTime.class);
        }
        return rs.getObject(column, LocalDateTime.class);
    }

    private static Object model(Object value, ResultSet rs, int column) throws SQLException {
        return switch (value) {
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Double d -> d;
            case Float f -> Values.convert(f);
            case BigDecimal dec -> decimal(dec);
            case Number n -> Values.convert(n instanceof java.math.BigInteger ? n : n.doubleValue());
            case String s -> s;
            case byte[] bytes -> bytes;
            case LocalDate d -> d.toString();
            case LocalTime t -> t.toString();
            case LocalDateTime t -> t.toString();
            case OffsetDateTime t -> t.toString();
            case OffsetTime t -> t.toString();
            case UUID u -> u.toString();
            case Array array -> array(array);
            case Blob blob -> blob.getBytes(1, (int) blob.length());
            case Clob clob -> clob.getSubString(1, (int) clob.length());
            // json, jsonb, interval, inet, ... (PGobject) and anything else: the text form.
            default -> {
                String text = rs.getString(column);
                yield text == null ? value.toString() : text;
            }
        };
    }

    private static Object decimal(BigDecimal dec) {
        if (dec.scale() <= 0) {
            try {
                return dec.longValueExact();
            } catch (ArithmeticException tooLarge) {
                return dec.doubleValue();
            }
        }
        return dec.doubleValue();
    }

    private static List<Object> array(Array array) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (ResultSet elements = array.getResultSet()) {
            while (elements.next()) {
                // Column 1 is the index, column 2 the element.
                Object element = value(elements, elements.getMetaData(), 2);
                out.add(element);
            }
        } finally {
            array.free();
        }
        return out;
    }
}
