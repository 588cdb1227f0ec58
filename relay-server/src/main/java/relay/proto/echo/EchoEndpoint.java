package relay.proto.echo;

import relay.net.Connection;
import relay.net.Endpoint;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/** {@code /echo}: every message back to its sender with the same opcode, for diagnostics and conformance suites. */
public final class EchoEndpoint implements Endpoint {
    @Override
    public void onText(Connection connection, byte[] bytes, int offset, int length) {
        connection.send(FrameWriter.encode(Opcode.TEXT, bytes, offset, length));
    }

    @Override
    public void onBinary(Connection connection, byte[] bytes, int offset, int length) {
        connection.send(FrameWriter.encode(Opcode.BINARY, bytes, offset, length));
    }
}
