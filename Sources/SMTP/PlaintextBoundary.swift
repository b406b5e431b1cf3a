/// Shared by the connection handler and its reply decoder: closed between the `220` answer to STARTTLS and the end
/// of the TLS handshake, when no plaintext byte may be taken as part of the conversation (RFC 3207 §6).
final class PlaintextBoundary {
    var isClosed = false
}
