package io.polyhook.engine.luaj.syntax;

/**
 * One token of the source.
 *
 * @param kind   what it is
 * @param start  offset of its first byte
 * @param end    offset after its last byte
 * @param line   1-based line of its first byte
 * @param column 1-based column of its first byte, in characters (UTF-8 sequences count once)
 * @param value  a {@link String} for a name, a {@link Numeral} for a number, a
 *               {@link StringLiteral} for a string; null otherwise
 */
record Token(Kind kind, int start, int end, int line, int column, Object value) {
}
