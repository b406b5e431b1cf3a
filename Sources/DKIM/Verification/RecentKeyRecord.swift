#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DNS
import Foundation
import Synchronization

/// The key record a verifier read last, looked at before its memo of parsed records: mail from one signer comes in
/// runs, and comparing a record's text with the last one costs less than hashing it for the memo (a test verifies every
/// lab key record through one verifier, twice, against a fresh verifier).
final class RecentKeyRecord: Sendable {
    private let last = Mutex<(text: [UInt8], parsed: ParsedKeyRecord)?>(nil)

    /// The parsed record of `text`: the last one when it is the same text, else `memo`'s (which parses it when new).
    func parsed(_ text: [UInt8], memo: BoundedMemo<OctetKey, ParsedKeyRecord>) -> ParsedKeyRecord {
        if let hit = last.withLock({ last in last.flatMap { sameOctets($0.text, text) ? $0.parsed : nil } }) { return hit }
        let parsed = memo.value(for: OctetKey(text), make: ParsedKeyRecord.init)
        last.withLock { $0 = (text, parsed) }
        return parsed
    }
}

/// Whether `a` and `b` hold the same octets, compared with `memcmp`.
func sameOctets(_ a: some ContiguousBytes, _ b: some ContiguousBytes) -> Bool {
    a.withUnsafeBytes { a in
        b.withUnsafeBytes { b in a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) }
    }
}
