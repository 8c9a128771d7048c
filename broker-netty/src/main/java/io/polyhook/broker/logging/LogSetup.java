package io.polyhook.broker.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.broker.config.LoggingConfig;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Applies the {@code logging} section to logback, in this order: {@code logging.config} replaces
 * the configuration (the bundled one otherwise); {@code logging.format: json} gives every appender
 * of the root logger logback's {@link JsonEncoder}, one JSON object per line; {@code logging.level}
 * sets the levels. Used by {@code polyhook run}; an application that embeds the broker keeps its
 * own logging.
 *
 * <p>A configuration file sees the property {@code POLYHOOK_CONFIG_DIR}, the folder of the broker's
 * config file, so it can write to a folder next to it ({@code ${POLYHOOK_CONFIG_DIR}/../log}).
 */
public final class LogSetup {

    /** The logback property that holds the config file's folder. */
    public static final String CONFIG_DIR_PROPERTY = "POLYHOOK_CONFIG_DIR";

    private LogSetup() {
    }

    /**
     * Applies {@code logging}; {@code configDir} is the config file's folder (the working folder
     * without a file). Does nothing when logback is not the SLF4J backend.
     *
     * @throws ConfigException naming {@code logging.config} if that file is missing or invalid
     */
    public static void apply(LoggingConfig logging, Path configDir) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.putProperty(CONFIG_DIR_PROPERTY, configDir.toAbsolutePath().normalize().toString());
        logging.config().ifPresent(file -> configure(context, Path.of(file)));
        if (logging.format() == LoggingConfig.Format.JSON) {
            json(context);
        }
        for (Map.Entry<String, String> e : logging.levels().entrySet()) {
            String name = e.getKey().equals(LoggingConfig.ROOT) ? Logger.ROOT_LOGGER_NAME : e.getKey();
            context.getLogger(name).setLevel(Level.toLevel(e.getValue()));
        }
    }

    private static void configure(LoggerContext context, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("logging.config", "logback configuration " + file + " does not exist");
        }
        String dir = context.getProperty(CONFIG_DIR_PROPERTY);
        context.reset();
        context.putProperty(CONFIG_DIR_PROPERTY, dir);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        long since = System.currentTimeMillis();
        try {
            configurator.doConfigure(file.toFile());
        } catch (JoranException e) {
            throw new ConfigException("logging.config", "cannot use " + file + ": " + e.getMessage());
        }
        for (Status s : context.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() == Status.ERROR && s.getTimestamp() >= since) {
                throw new ConfigException("logging.config", "cannot use " + file + ": " + s.getMessage());
            }
        }
    }

    /** Gives every output stream appender of the root logger a JSON lines encoder. */
    private static void json(LoggerContext context) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            appenders.add(it.next());
        }
        for (Appender<ILoggingEvent> appender : appenders) {
            if (appender instanceof OutputStreamAppender<ILoggingEvent> out) {
                JsonEncoder encoder = new JsonEncoder();
                encoder.setContext(context);
                encoder.setWithSequenceNumber(false);
                encoder.setWithNanoseconds(false);
                encoder.setWithContext(false);
                encoder.setWithMessage(false);
                encoder.setWithArguments(false);
                encoder.setWithFormattedMessage(true);
                encoder.start();
                out.stop();
                out.setEncoder(encoder);
                out.start();
            }
        }
    }
}
