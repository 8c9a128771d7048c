package io.polyhook.spi;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BytesTest {

    @Test
    void writeToHandsTheWholeContentToOneWriteCall() throws IOException {
        List<Integer> lengths = new ArrayList<>();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("byte by byte");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                lengths.add(len);
                written.write(b, off, len);
            }
        };

        Bytes.utf8("payload").writeTo(out);

        assertThat(lengths).containsExactly(7);
        assertThat(written.toString()).isEqualTo("payload");
    }

    @Test
    void writeToOfTheEmptySequenceWritesNothing() throws IOException {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        Bytes.EMPTY.writeTo(written);
        assertThat(written.size()).isZero();
    }
}
