package org.valley.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParamTest {

    /** What the server's full decoding of the query string gives for {@code name}: its first value, or null. */
    private static String reference(String query, String name) {
        List<String> values = new QueryStringDecoder(query, false).parameters().get(name);
        return values == null ? null : values.get(0);
    }

    @Test
    void readsOneParameter_asTheServersFullDecodingReadsIt() {
        String[] queries = {
            "key=vi_abc", "event=up&key=vi_abc", "key=vi_abc&event=up", "keyx=1&key=2", "xkey=1&key=2", "key=&event=up",
            "key&event=up", "event=up", "", "key=a%2Bb%20c", "key=a+b", "key=caf%C3%A9", "a=1;key=2", "key=1&key=2",
            "key==x", "&&key=5&&", "key=%7Evi_%2D", "ke=1&k=2", "key",
        };
        for (String query : queries) {
            for (String name : new String[] {"key", "event"}) {
                assertThat(QueryParam.get(query, name)).as("%s in '%s'", name, query).isEqualTo(reference(query, name));
            }
        }
        assertThat(QueryParam.get(null, "key")).isNull();
    }

    @Test
    void aValueThatIsNotPercentEncoding_isAProblemNamingTheParameter() {
        assertThatThrownBy(() -> QueryParam.get("event=up&key=ab%zz", "key")).isInstanceOf(Problem.class)
                .satisfies(e -> assertThat(((Problem) e).field()).isEqualTo("key"));
        // the broken value of another parameter is not read
        assertThat(QueryParam.get("event=up&other=%zz&key=vi_1", "key")).isEqualTo("vi_1");
    }
}
