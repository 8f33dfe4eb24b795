package org.valley.server.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Set;
import org.valley.server.http.Fields;
import org.valley.server.http.Problem;
import org.valley.server.ingest.JsonBody;

/**
 * The settings of an {@code mqtt-bridge} integration: the external broker ({@code mqtt://host:port}
 * or {@code mqtts://host:port}), the credentials, the topic filter to subscribe to, the format of
 * what arrives there ({@code ttn}, {@code chirpstack} or {@code valley}), and for {@code mqtts} the
 * certificates of the authorities to trust for the broker ({@code ca}, PEM) when the JDK's do not
 * sign its certificate, as with a campus broker's own authority.
 */
record BridgeSettings(String url, String host, int port, boolean tls, String username, String password, String topic,
        String format, String ca) {

    /** Far above a chain of a few certificates. */
    static final int MAX_CA = 64 * 1024;

    static final Set<String> FORMATS = Set.of("ttn", "chirpstack", "valley");

    /**
     * Reads and checks the settings of a request body.
     *
     * @throws Problem naming the field and the rule
     */
    static BridgeSettings read(JsonNode body) {
        String url = Fields.string(body, "url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw Problem.invalid("url", "field 'url' must be mqtt://host:port or mqtts://host:port, got '" + clip(url) + "'");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("mqtt") || scheme.equals("mqtts")) || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            throw Problem.invalid("url", "field 'url' must be mqtt://host:port or mqtts://host:port (credentials go in "
                    + "'username' and 'password'), got '" + clip(url) + "'");
        }
        boolean tls = scheme.equals("mqtts");
        int port = uri.getPort() == -1 ? (tls ? 8883 : 1883) : uri.getPort();
        String username = Fields.optionalString(body, "username");
        String password = Fields.optionalString(body, "password");
        if (username != null && username.length() > 256) {
            throw Problem.invalid("username", "field 'username' must be at most 256 characters");
        }
        if (password != null && (username == null || password.length() > 1024)) {
            throw Problem.invalid("password", "field 'password' needs a 'username' and must be at most 1024 characters");
        }
        String topic = Fields.string(body, "topic");
        if (!validFilter(topic)) {
            throw Problem.invalid("topic", "field 'topic' must be an MQTT topic filter ('+' a whole level, '#' the last "
                    + "level), such as v3/+/devices/+/up or application/+/device/+/event/+, got '" + clip(topic) + "'");
        }
        String format = Fields.string(body, "format");
        if (!FORMATS.contains(format)) {
            throw Problem.invalid("format", "field 'format' must be one of " + FORMATS + ", got '" + clip(format) + "'");
        }
        String ca = Fields.optionalString(body, "ca");
        if (ca != null) {
            if (!tls) {
                throw Problem.invalid("ca", "field 'ca' is for mqtts:// brokers only");
            }
            checkCertificates(ca);
        }
        return new BridgeSettings(url, uri.getHost(), port, tls, username, password, topic, format, ca);
    }

    /** One or more X.509 certificates in PEM, or a problem naming {@code ca}. */
    private static void checkCertificates(String pem) {
        if (pem.length() > MAX_CA || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw Problem.invalid("ca", "field 'ca' must be one or more PEM certificates (-----BEGIN CERTIFICATE-----), "
                    + "at most " + MAX_CA + " characters");
        }
        try {
            var certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certificates.isEmpty()) {
                throw new CertificateException("no certificate");
            }
        } catch (CertificateException | RuntimeException e) {
            throw Problem.invalid("ca", "field 'ca' must be one or more PEM certificates: " + e.getMessage());
        }
    }

    /** The settings as kept in the catalog. */
    String toJson() {
        ObjectNode node = JsonBody.mapper().createObjectNode();
        node.put("url", url);
        if (username != null) {
            node.put("username", username);
        }
        if (password != null) {
            node.put("password", password);
        }
        node.put("topic", topic);
        node.put("format", format);
        if (ca != null) {
            node.put("ca", ca);
        }
        return node.toString();
    }

    /** Settings kept in the catalog. */
    static BridgeSettings parse(String json) {
        try {
            return read(JsonBody.mapper().readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean validFilter(String topic) {
        if (topic.isEmpty() || topic.length() > 1024 || topic.indexOf('\u0000') >= 0) {
            return false;
        }
        String[] levels = topic.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].contains("#") && (!levels[i].equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (levels[i].contains("+") && !levels[i].equals("+")) {
                return false;
            }
        }
        return true;
    }

    private static String clip(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
