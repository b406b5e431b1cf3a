/// The answer of a ``SMTPCertificateVerification/custom(_:)`` check.
public enum SMTPCertificateVerdict: Sendable, Hashable {
    case accept
    case reject(reason: String)
}
