/** Netty listeners: TCP, WebSocket, TLS and WSS pipelines in front of the protocol handler. */
package io.polyhook.broker.transport;
