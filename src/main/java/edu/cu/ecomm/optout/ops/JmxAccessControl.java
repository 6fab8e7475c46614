package edu.cu.ecomm.optout.ops;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.AccessController;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * Enforces the access file on the remote connector: a readonly user may read attributes and MBean descriptions,
 * only a readwrite user may invoke operations, set attributes, or create and remove MBeans.
 */
final class JmxAccessControl implements InvocationHandler {

    private static final Set<String> WRITES = Set.of("invoke", "setAttribute", "setAttributes", "createMBean",
            "registerMBean", "unregisterMBean", "instantiate", "addNotificationListener",
            "removeNotificationListener", "getClassLoader", "getClassLoaderFor", "getClassLoaderRepository",
            "deserialize");

    private final JmxCredentials credentials;
    private MBeanServer target;

    private JmxAccessControl(JmxCredentials credentials) {
        this.credentials = credentials;
    }

    static MBeanServerForwarder forwarder(JmxCredentials credentials) {
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, new JmxAccessControl(credentials));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "getMBeanServer":
                return target;
            case "setMBeanServer":
                target = (MBeanServer) args[0];
                return null;
            default:
                break;
        }
        if (method.getDeclaringClass() == Object.class) {
            return method.invoke(this, args);
        }
        if (WRITES.contains(method.getName()) && !mayWrite(method.getName())) {
            throw new SecurityException("access denied: " + method.getName() + " needs readwrite access");
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("removal")
    private boolean mayWrite(String operation) {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject == null) {
            // Calls made inside this JVM, not through the connector.
            return true;
        }
        boolean listener = operation.endsWith("NotificationListener");
        return subject.getPrincipals(JMXPrincipal.class).stream().map(p -> credentials.accessOf(p.getName()))
                .anyMatch(access -> access == JmxCredentials.Access.READWRITE
                        || listener && access == JmxCredentials.Access.READONLY);
    }
}
