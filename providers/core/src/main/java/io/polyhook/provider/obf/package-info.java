/** The {@code obf} library: reversible obfuscation of credentials with AES-GCM. */
package io.polyhook.provider.obf;
