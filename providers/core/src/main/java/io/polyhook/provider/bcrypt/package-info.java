/** The {@code bcrypt} library: OpenBSD bcrypt password hashes ($2a$, $2b$, $2y$). */
package io.polyhook.provider.bcrypt;
