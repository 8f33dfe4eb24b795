package org.valley.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/** The Markdown form shared by the harnesses' reports: title, machine, the phase table, a ratio, the whole report as JSON. */
final class ReportText {

    private ReportText() {}

    /**
     * @param sharing who shares the cores, e.g. "Server and load generator"
     * @param ratio the line under the table, e.g. "Sustained / bare ceiling: 0.49"
     */
    static String markdown(String title, String sharing, Map<String, Object> root, String table, String ratio) {
        String json;
        try {
            json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) root.get("machine");
        return "# " + title + "\n\n"
                + "Machine: " + machine.get("cores") + " cores, JDK " + machine.get("jdk") + ", " + machine.get("os")
                + ", " + machine.get("date") + ". " + sharing + " share the cores.\n\n"
                + table + "\n"
                + ratio + "\n\n"
                + "```json\n" + json + "\n```\n";
    }
}
