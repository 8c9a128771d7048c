/** The broker's own statistics and their publication under {@code $SYS/<node>/...}. */
package io.polyhook.broker.sys;
