package dev.conveyor.e2e.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection on a plain socket, for benchmark clients: the request is
 * written as bytes in one go, the answer read with only what a benchmark needs (status, ETag,
 * body). {@code java.net.http.HttpClient} costs the client several times the CPU per request
 * (selector thread, futures, header maps), and the client shares the machine's cores with the
 * service it measures. Not thread-safe: one per client thread.
 */
final class LeanHttpConnection implements AutoCloseable {

    record Answer(int status, String etag, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] hostHeader;
    private final StringBuilder line = new StringBuilder(128);

    LeanHttpConnection(String baseUrl) throws IOException {
        URI uri = URI.create(baseUrl);
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        socket.setSoTimeout(600_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        hostHeader = ("Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends one request and reads its whole answer; {@code body} is JSON, or null for none. */
    Answer exchange(String method, String path, String ifMatch, byte[] body) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream(256 + (body == null ? 0 : body.length));
        request.write((method + " " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
        request.write(hostHeader);
        if (ifMatch != null) {
            request.write(("If-Match: " + ifMatch + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        int length = body == null ? 0 : body.length;
        request.write(("Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            request.write(body);
        }
        request.writeTo(out);
        out.flush();
        return readAnswer();
    }

    private Answer readAnswer() throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String etag = null;
        long contentLength = -1;
        boolean chunked = false;
        String header;
        while (!(header = readLine()).isEmpty()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("etag")) {
                etag = value;
            } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int size;
            while ((size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) > 0) {
                all.write(in.readNBytes(size));
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers
            }
            body = all.toByteArray();
        } else {
            body = contentLength <= 0 ? new byte[0] : in.readNBytes((int) contentLength);
        }
        return new Answer(status, etag, body);
    }

    private String readLine() throws IOException {
        line.setLength(0);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
