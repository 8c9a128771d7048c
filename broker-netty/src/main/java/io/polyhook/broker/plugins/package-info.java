/**
 * The broker's side of Java plugins: the plugins folder and the start-up checks, and what a
 * plugin's context lends it (the broker's actions, the auth cache, meters on {@code /metrics}).
 */
package io.polyhook.broker.plugins;
