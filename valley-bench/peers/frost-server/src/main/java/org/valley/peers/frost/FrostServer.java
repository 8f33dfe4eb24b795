package org.valley.peers.frost;

import de.fraunhofer.iosb.ilt.frostserver.messagebus.MessageBusFactory;
import de.fraunhofer.iosb.ilt.frostserver.persistence.PersistenceManagerFactory;
import de.fraunhofer.iosb.ilt.frostserver.settings.CoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.AbstractHttp11Protocol;

/**
 * FROST-Server, the OGC SensorThings API server, as a peer for Valley's load harness: its service,
 * SensorThings core model and PostgreSQL persistence, configured as its documentation describes
 * for a PostgreSQL/PostGIS database, served by embedded Tomcat 9 under {@code /FROST-Server}.
 *
 * <pre>{@code
 * java -jar frost-server.jar <port> <jdbc url> <database user> [database connections]
 * }</pre>
 *
 * The database must exist with the PostGIS extension; FROST creates its tables (Liquibase) at
 * start. Tomcat keeps connections alive for any number of requests, as Valley's edge does, so that
 * the load generator's connections are used alike on both.
 */
public final class FrostServer {

    /** The plugins this class path holds, out of FROST's default list (which names many more). */
    private static final String PLUGINS = String.join(",",
            "de.fraunhofer.iosb.ilt.frostserver.plugin.coremodel.PluginCoreService",
            "de.fraunhofer.iosb.ilt.frostserver.plugin.coremodel.PluginCoreModel",
            "de.fraunhofer.iosb.ilt.frostserver.formatter.PluginResultFormatDefault");

    private FrostServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: FrostServer <port> <jdbc url> <database user> [database connections]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String connections = args.length > 3 ? args[3] : "10";
        Path temp = Files.createTempDirectory("frost-server-");

        Properties p = new Properties();
        p.setProperty("serviceRootUrl", "http://127.0.0.1:" + port + "/FROST-Server");
        p.setProperty("tempPath", temp.toString());
        p.setProperty("plugins.providedPlugins", PLUGINS);
        p.setProperty("plugins.coreModel.enable", "true");
        p.setProperty("plugins.coreModel.idType", "LONG");
        p.setProperty("persistence.persistenceManagerImplementationClass",
                "de.fraunhofer.iosb.ilt.frostserver.persistence.pgjooq.PostgresPersistenceManager");
        p.setProperty("persistence.autoUpdateDatabase", "true");
        p.setProperty("persistence.db.driver", "org.postgresql.Driver");
        p.setProperty("persistence.db.url", args[1]);
        p.setProperty("persistence.db.username", args[2]);
        p.setProperty("persistence.db.password", "");
        p.setProperty("persistence.db.conn.max", connections);
        p.setProperty("http.cors.enable", "false");
        p.setProperty("mqtt.Enabled", "false");

        CoreSettings settings = new CoreSettings(p);
        PersistenceManagerFactory.init(settings);
        PersistenceManagerFactory.getInstance(settings).maybeUpdateDatabase();
        MessageBusFactory.createMessageBus(settings);

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(temp.resolve("tomcat").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
            http.setMaxKeepAliveRequests(-1);
            http.setKeepAliveTimeout(120_000);
        }
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("/FROST-Server", temp.toString());
        Tomcat.addServlet(context, "sensorthings", new SensorThingsServlet(settings));
        context.addServletMappingDecoded("/*", "sensorthings");
        tomcat.start();
        System.out.println("FROST-Server listening on http://127.0.0.1:" + port + "/FROST-Server/v1.1");
        tomcat.getServer().await();
    }
}
