/** The MQTT protocol per connection and the sessions that outlive connections; runs on Netty event loops and calls hooks through core-api's dispatcher without ever blocking them. */
package io.polyhook.broker.session;
