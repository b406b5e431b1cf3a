import Crypto

extension MTASTSPolicy {
    /// A policy `id` for the TXT record that changes whenever the policy changes (RFC 8461 §3.1: it "MUST uniquely
    /// identify a given instance of a policy"): the first 32 lower-case hex digits (128 bits) of the SHA-256 of the
    /// canonical ``text``. It fits `sts-id` (1 to 32 letters and digits), and depends only on what the policy says,
    /// not on how its file was formatted.
    public var derivedID: String {
        let digest = SHA256.hash(data: Array(text.utf8))
        let hex = digest.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
        return String(hex.prefix(MTASTSRecord.maximumIDLength))
    }

    /// The `mx` patterns as items of a Postfix TLS policy `match=` list, the form postfix-mta-sts-resolver emits for
    /// `smtp_tls_policy_maps` (`secure match=mail.example.com:.example.net`); joining them with `:` is the caller's.
    ///
    /// A literal pattern stays as it is; `*.example.net` becomes `.example.net`. This widens the policy, honestly
    /// and knowingly: Postfix's `.example.net` matches any name at any depth below `example.net`
    /// (`a.b.example.net` too), while RFC 8461 §4.1's `*.example.net` matches exactly one extra leftmost label.
    /// Postfix has no single-label wildcard, so this is the closest form that never refuses a host the policy
    /// allows. Items appear once each, in policy order.
    public var postfixMatchList: [String] {
        var seen = Set<String>()
        return mx.map { $0.isWildcard ? "." + $0.domain : $0.domain }.filter { seen.insert($0).inserted }
    }
}
