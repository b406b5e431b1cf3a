public import DKIM

/// The DKIM result stored with a mailed report (RFC 8460 §3 asks reporters to sign): `pass` with the signing domain
/// when any signature passes (a `t=y` testing key does not count), `none` without signatures, otherwise the first
/// signature's result (`fail`, `temperror`, `permerror`, `neutral`).
public struct ReportDKIM: Sendable, Hashable {
    public let result: String
    /// `d=` of the passing signature.
    public let domain: String?

    public init(verdicts: [DKIMVerdict]) {
        if let pass = verdicts.first(where: { $0.result == .pass && !$0.isTesting }) {
            result = "pass"
            domain = pass.domain
        } else {
            result = verdicts.first.map { $0.result == .pass ? "neutral" : $0.result.rawValue } ?? "none"
            domain = nil
        }
    }

    /// Verifies every signature of `mail`; a message beyond DKIM's limits is `permerror`.
    static func check(_ mail: [UInt8], verifier: DKIMVerifier) async -> ReportDKIM {
        guard let message = try? DKIMMessage(parsing: mail) else {
            return ReportDKIM(verdicts: [DKIMVerdict(result: .permerror, reason: "beyond DKIM's limits", domain: nil, selector: nil,
                                                     identity: nil, algorithm: nil)])
        }
        return ReportDKIM(verdicts: await verifier.verify(message))
    }
}
