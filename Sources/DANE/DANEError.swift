/// Why a DANE operation could not run (a verdict about a server is a ``DANEVerdict``, never an error).
public enum DANEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not one X.509 certificate.
    case malformedCertificate(String)

    public var description: String {
        switch self {
        case .malformedCertificate(let reason): "malformed certificate: \(reason)"
        }
    }
}
