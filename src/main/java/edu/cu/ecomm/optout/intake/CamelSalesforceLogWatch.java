package edu.cu.ecomm.optout.intake;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Watches one of camel-salesforce's loggers for a line that is the library's only sign of something intake
 * must act on (it neither calls the route nor the exception handler then). Attached once every bean exists,
 * detached on shutdown; a subclass says which lines matter and what to do.
 */
abstract class CamelSalesforceLogWatch extends AppenderBase<ILoggingEvent>
        implements SmartInitializingSingleton, DisposableBean {

    private final String loggerName;

    CamelSalesforceLogWatch(String name, String loggerName) {
        this.loggerName = loggerName;
        setName(name);
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (LoggerFactory.getLogger(loggerName) instanceof Logger logger) {
            setContext(logger.getLoggerContext());
            start();
            logger.addAppender(this);
        }
    }

    @Override
    public void destroy() {
        if (LoggerFactory.getLogger(loggerName) instanceof Logger logger) {
            logger.detachAppender(this);
        }
        stop();
    }
}
