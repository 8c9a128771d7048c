/** Where admitted messages go: the subscription tree (one topic trie per mountpoint) and the retained store. */
package io.polyhook.broker.routing;
