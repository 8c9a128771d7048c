package io.polyhook.broker.admin;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One parsed request: the query parameters and, for a POST, the JSON body (an object).
 */
record ApiRequest(Map<String, String> query, JsonNode body) {

    /** A required string field of the body. */
    String text(String field) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            throw ApiException.badRequest("\"" + field + "\" is required");
        }
        if (!n.isTextual() || n.textValue().isEmpty()) {
            throw ApiException.badRequest("\"" + field + "\" must be a non-empty string");
        }
        return n.textValue();
    }

    /** An optional string field of the body; {@code null} when absent. */
    String optionalText(String field) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("\"" + field + "\" must be a string");
        }
        return n.textValue();
    }
}
