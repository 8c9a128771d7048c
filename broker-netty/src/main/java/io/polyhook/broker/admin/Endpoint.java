package io.polyhook.broker.admin;

/** Answers one method and path; the result is written as JSON, or as is if it is a {@link PlainText}. */
@FunctionalInterface
interface Endpoint {

    Object handle(ApiRequest request) throws ApiException;

    /** A non-JSON answer, such as the Prometheus exposition. */
    record PlainText(String contentType, String body) {
    }
}
