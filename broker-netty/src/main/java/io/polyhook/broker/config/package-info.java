/** The broker's configuration: the YAML file of DESIGN.md, parsed by hand so that every error names its key path. */
package io.polyhook.broker.config;
