/// The one error type of the `OpenPGP` library: "the input could not be processed".
///
/// Cases live behind static members of a private code so that new ones can be added later;
/// equality compares the code only, `reason` carries the human-readable detail.
/// Verdicts about signatures and certificates are values (``SignatureVerdict``,
/// ``CertificateStatus``), never errors.
public struct OpenPGPError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case truncated
        case malformedPacket
        case partialLengthNotAllowed
        case unsupportedVersion
        case secretKeyMaterial
        case tooLarge
        case tooManyPackets
        case tooManyComponents
        case tooManySignatures
        case nestingTooDeep
        case invalidArmor
        case notACertificate
        case certificateMismatch
        case noMatchingUserID
        case notASignature
    }

    private let code: Code
    /// A human-readable explanation of what went wrong.
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func == (lhs: OpenPGPError, rhs: OpenPGPError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "OpenPGPError.\(code): \(reason)" }

    /// The input ended inside a packet, subpacket or field (RFC 9580 §4.2).
    public static let truncated = OpenPGPError(.truncated, "input ends inside a packet")
    /// A packet header or body does not follow RFC 9580 §4–§5.
    public static let malformedPacket = OpenPGPError(.malformedPacket, "malformed packet")
    /// A partial body length (or legacy indeterminate length) on a packet type that forbids it (RFC 9580 §4.2.1.4).
    public static let partialLengthNotAllowed = OpenPGPError(.partialLengthNotAllowed, "partial body length not allowed for this packet type")
    /// A key or signature version this library does not read (e.g. v2, v3 keys or v5).
    public static let unsupportedVersion = OpenPGPError(.unsupportedVersion, "unsupported packet version")
    /// Secret key material where a public certificate was expected (RFC 9580 §5.5.1.3–§5.5.1.4).
    public static let secretKeyMaterial = OpenPGPError(.secretKeyMaterial, "secret key material where a public certificate is expected")
    /// The input exceeds ``OpenPGPLimits/maxInputBytes``.
    public static let tooLarge = OpenPGPError(.tooLarge, "input too large")
    /// The input holds more than ``OpenPGPLimits/maxPackets`` packets.
    public static let tooManyPackets = OpenPGPError(.tooManyPackets, "too many packets")
    /// A certificate has more user IDs, user attributes or subkeys than ``OpenPGPLimits/maxUserIDs``,
    /// ``OpenPGPLimits/maxUserAttributes`` or ``OpenPGPLimits/maxSubkeys`` allow.
    public static let tooManyComponents = OpenPGPError(.tooManyComponents, "too many user IDs, user attributes or subkeys")
    /// A certificate keeps more self-signatures than ``OpenPGPLimits/maxSelfSignatures`` after the per-component caps.
    public static let tooManySignatures = OpenPGPError(.tooManySignatures, "too many self-signatures")
    /// Embedded signatures nest deeper than ``OpenPGPLimits/maxEmbeddedSignatureDepth``.
    public static let nestingTooDeep = OpenPGPError(.nestingTooDeep, "embedded signatures nested too deeply")
    /// ASCII armor that cannot be decoded (RFC 9580 §6).
    public static let invalidArmor = OpenPGPError(.invalidArmor, "invalid ASCII armor")
    /// The packet sequence is not a transferable public key (RFC 9580 §10.1).
    public static let notACertificate = OpenPGPError(.notACertificate, "not an OpenPGP certificate")
    /// Two certificates to merge have different primary keys.
    public static let certificateMismatch = OpenPGPError(.certificateMismatch, "certificates have different primary keys")
    /// No valid user ID carries the requested address.
    public static let noMatchingUserID = OpenPGPError(.noMatchingUserID, "no valid user ID with this address")
    /// Input that should be a detached signature holds other packets, or none.
    public static let notASignature = OpenPGPError(.notASignature, "not a detached OpenPGP signature")

    /// The same error with a more specific reason.
    func with(_ reason: String) -> OpenPGPError { OpenPGPError(code, reason) }
}
