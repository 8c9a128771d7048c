/** What the store implementations share and the broker does not use: the accounting of one session's queue. */
package io.polyhook.broker.store.internal;
