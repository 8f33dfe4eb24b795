package org.valley.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.valley.codec.sensit.SensitV3;

class BuiltinCodecsTest {

    @Test
    void byName_sensitV3_isTheSensitCodec() {
        assertThat(BuiltinCodecs.byName("sensit-v3")).containsInstanceOf(SensitV3.class);
    }

    @Test
    void byName_aliasAndOtherSpellings_resolveToTheSameInstance() {
        Codec codec = BuiltinCodecs.byName("sensit-v3").orElseThrow();
        assertThat(BuiltinCodecs.byName("sensit")).containsSame(codec);
        assertThat(BuiltinCodecs.byName(" Sensit-V3 ")).containsSame(codec);
    }

    @Test
    void byName_unknownOrNull_isEmpty() {
        assertThat(BuiltinCodecs.byName("sensit-v4")).isEmpty();
        assertThat(BuiltinCodecs.byName("")).isEmpty();
        assertThat(BuiltinCodecs.byName(null)).isEmpty();
    }

    @Test
    void names_listsCanonicalNamesThatAllResolve() {
        assertThat(BuiltinCodecs.names()).containsExactly("sensit-v3");
        assertThat(BuiltinCodecs.names()).allSatisfy(name -> assertThat(BuiltinCodecs.byName(name)).isPresent());
    }
}
