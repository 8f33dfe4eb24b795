package org.valley.peers.frost;

import de.fraunhofer.iosb.ilt.frostserver.path.UrlHelper;
import de.fraunhofer.iosb.ilt.frostserver.path.Version;
import de.fraunhofer.iosb.ilt.frostserver.service.PluginService;
import de.fraunhofer.iosb.ilt.frostserver.service.Service;
import de.fraunhofer.iosb.ilt.frostserver.service.ServiceRequest;
import de.fraunhofer.iosb.ilt.frostserver.service.ServiceRequestBuilder;
import de.fraunhofer.iosb.ilt.frostserver.service.ServiceResponse;
import de.fraunhofer.iosb.ilt.frostserver.settings.CoreSettings;
import de.fraunhofer.iosb.ilt.frostserver.util.HttpMethod;
import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Hands each HTTP request under {@code /FROST-Server/v1.x/...} to FROST's plugin for that path and
 * method, and the plugin's answer back to the client: what FROST's own servlet does for the
 * SensorThings API, without its batch, CORS and index-page extras.
 */
final class SensorThingsServlet extends HttpServlet {

    private final transient CoreSettings settings;

    SensorThingsServlet(CoreSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.setCharacterEncoding("UTF-8");
        response.setCharacterEncoding("UTF-8");
        response.setContentType("application/json");
        String path = request.getPathInfo();
        if (path == null || path.length() < 2) {
            response.sendError(404);
            return;
        }
        int slash = path.indexOf('/', 1);
        Version version = settings.getPluginManager().getVersion(slash < 0 ? path.substring(1) : path.substring(1, slash));
        String rest = slash < 0 ? "" : path.substring(slash);
        PluginService plugin = version == null ? null : settings.getPluginManager().getServiceForPath(version, rest);
        if (plugin == null) {
            response.sendError(404);
            return;
        }
        String type = plugin.getRequestTypeFor(version, rest, HttpMethod.fromString(request.getMethod()),
                request.getContentType());
        if (type == null) {
            response.sendError(400, "no request type for " + request.getMethod() + " " + rest);
            return;
        }
        String query = request.getQueryString();
        Map<String, List<String>> parameters = query == null ? new HashMap<>() : UrlHelper.splitQuery(query);
        ServiceRequest serviceRequest = new ServiceRequestBuilder(settings, version)
                .withRequestType(type)
                .withUrlPath(rest)
                .withUrlQuery(query == null ? null : java.net.URLDecoder.decode(query, java.nio.charset.StandardCharsets.UTF_8))
                .withContent(request.getInputStream())
                .withContentType(request.getContentType())
                .withParameterMap(parameters)
                .build();
        HttpAnswer answer = new HttpAnswer(response);
        try (Service service = new Service(settings)) {
            ServiceRequest.LOCAL_REQUEST.set(serviceRequest);
            plugin.execute(service, serviceRequest, answer);
        } catch (RuntimeException e) {
            if (!response.isCommitted()) {
                response.sendError(500, String.valueOf(e.getMessage()));
            }
            return;
        } finally {
            ServiceRequest.LOCAL_REQUEST.remove();
        }
        if (!answer.isSuccessful() && answer.getMessage() != null && !response.isCommitted()) {
            response.getWriter().write(answer.getMessage());
        }
    }

    /** FROST's answer written straight to the servlet response. */
    private static final class HttpAnswer implements ServiceResponse {

        private final HttpServletResponse response;
        private final Map<String, String> headers = new HashMap<>();
        private int code = 200;
        private String message;
        private Object result;

        HttpAnswer(HttpServletResponse response) {
            this.response = response;
        }

        @Override
        public String getContentType() {
            return response.getContentType();
        }

        @Override
        public ServiceResponse setContentType(String type) {
            response.setContentType(type);
            return this;
        }

        @Override
        public Map<String, String> getHeaders() {
            return headers;
        }

        @Override
        public ServiceResponse addHeader(String name, String value) {
            headers.put(name, value);
            response.setHeader(name, value);
            return this;
        }

        @Override
        public int getCode() {
            return code;
        }

        @Override
        public ServiceResponse setCode(int code) {
            this.code = code;
            response.setStatus(code);
            return this;
        }

        @Override
        public String getMessage() {
            return message;
        }

        @Override
        public ServiceResponse setMessage(String message) {
            this.message = message;
            return this;
        }

        @Override
        public ServiceResponse setStatus(int code, String message) {
            setCode(code);
            return setMessage(message);
        }

        @Override
        public Object getResult() {
            return result;
        }

        @Override
        public ServiceResponse setResult(Object result) {
            this.result = result;
            return this;
        }

        @Override
        public Writer getWriter() {
            try {
                return response.getWriter();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public boolean isSuccessful() {
            return code >= 200 && code < 300;
        }
    }
}
