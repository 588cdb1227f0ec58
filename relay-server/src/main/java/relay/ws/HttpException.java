package relay.ws;

/** A request that gets an HTTP error instead of an upgrade; carries the response to send. */
public final class HttpException extends RuntimeException {
    private final transient HttpResponse response;

    public HttpException(int status, String reason) {
        this(HttpResponse.text(status, reason));
    }

    public HttpException(HttpResponse response) {
        super(response.status() + " " + response.bodyText(), null, false, false);
        this.response = response;
    }

    public HttpResponse response() {
        return response;
    }
}
