import Synchronization

/// The verdicts of one certificate value's signatures, computed once and shared by its copies. A ``Certificate`` gets
/// a fresh, empty one whenever it changes.
final class VerificationCache: Sendable {
    private let verified: Mutex<VerifiedSignatures?>

    init(_ known: VerifiedSignatures? = nil) {
        verified = Mutex(known)
    }

    /// The verdicts, computed by `compute` on the first call.
    func value(computing compute: () -> VerifiedSignatures) -> VerifiedSignatures {
        if let known = verified.withLock({ $0 }) { return known }
        let computed = compute()
        verified.withLock { $0 = computed }
        return computed
    }
}
