/** The {@code json} library: JSON text to model values and back, with Jackson. */
package io.polyhook.provider.json;
