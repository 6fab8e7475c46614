package edu.cu.ecomm.optout.support;

import java.util.Map;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The service started and stopped by a test, as an operator would restart it, against emulators the test
 * keeps running in between and a database that outlives each run.
 */
public final class RunningService implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningService(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts the service with {@code properties} overriding application.yaml, as command-line options do. */
    public static RunningService start(Map<String, String> properties) {
        String[] arguments = properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue())
                .toArray(String[]::new);
        return new RunningService(new SpringApplicationBuilder(OptOutSyncApplication.class)
                .web(WebApplicationType.NONE)
                .run(arguments));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public boolean isRunning() {
        return context.isActive();
    }

    @Override
    public void close() {
        context.close();
    }
}
