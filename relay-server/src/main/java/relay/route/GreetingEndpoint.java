package relay.route;

import relay.net.Endpoint;

/**
 * An endpoint whose server speaks first (studio: the original client waits for the welcome before it
 * authenticates). On path {@code /} of an auto listener the {@link AutoBinder} sends the greeting itself when
 * the idle window passes in silence (rule 4), and binds the connection to the endpoint when the client
 * answers; {@link AutoBinder#wasGreeted} tells the endpoint's {@code onOpen} not to greet twice.
 */
public interface GreetingEndpoint extends Endpoint {
    /** The encoded frame to send first; the same immutable frame for every connection. */
    byte[] greetingFrame();
}
