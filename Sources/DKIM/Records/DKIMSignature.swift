/// A parsed `DKIM-Signature` header field (RFC 6376 §3.5), with the raw field kept for hashing (§3.7).
public struct DKIMSignature: Sendable, Hashable {
    /// The field as it appears in the message.
    public let field: HeaderField
    /// Every tag of the field, unknown ones included.
    public let tags: TagList
    /// `a=`.
    public let algorithm: SignatureAlgorithm
    /// `b=`, decoded.
    public let signature: [UInt8]
    /// `bh=`, decoded.
    public let bodyHash: [UInt8]
    /// `c=` (simple/simple when absent).
    public let canonicalization: CanonicalizationPair
    /// `d=`, the SDID, as written.
    public let domain: String
    /// `h=`, the signed header names in lower case, in order (repeated and absent names included).
    public var signedHeaders: [String] { signedHeaderNames.names }
    /// `h=` as written, read where it sits.
    let signedHeaderNames: SignedHeaderNames
    /// `i=`, the AUID, as written; nil when absent (it then defaults to `@d`).
    public let identity: String?
    /// `l=`, the count of canonical body octets hashed; nil for the whole body.
    public let bodyLength: Int?
    /// `s=`.
    public let selector: String
    /// `t=`, seconds since the epoch.
    public let timestamp: Int64?
    /// `x=`, seconds since the epoch.
    public let expiration: Int64?
    /// `z=`, the copied header fields, raw.
    public let copiedHeaders: String?
    /// Where the value of `b=` sits in ``field``'s octets (indices of ``HeaderField/octets``): the header hash input has
    /// the raw field without it, everything else untouched (RFC 6376 §3.7).
    let signatureValueRange: Range<Int>?

    /// The domain of the AUID: the part of `i=` after the last `@`, or `d=` (RFC 6376 §3.5).
    public var identityDomain: String {
        guard let identity, let at = identity.lastIndex(of: "@") else { return domain }
        return String(identity[identity.index(after: at)...])
    }
}

extension DKIMSignature {
    /// Reads a signature from its header field.
    ///
    /// The values are read as octets: tag values are printable ASCII and folding white space (§3.2), so no text is
    /// made for them but the tags kept as `String`s.
    /// - Throws: ``DKIMSignatureError`` naming the rule the field breaks (all are PERMFAIL, §6.1.1).
    public init(field: HeaderField) throws(DKIMSignatureError) {
        let tags: TagList
        do { tags = try TagList(parsing: field.rawValue) } catch { throw DKIMSignatureError("tag list: \(error.reason) (RFC 6376 §3.2)") }
        let known = KnownTags(tags)

        func value(_ range: Range<Int>?) -> ArraySlice<UInt8>? { range.map(tags.octets) }
        func required(_ range: Range<Int>?, _ name: String) throws(DKIMSignatureError) -> ArraySlice<UInt8> {
            guard let value = value(range) else { throw DKIMSignatureError("missing required tag \(name)= (RFC 6376 §6.1.1)") }
            return value
        }

        guard try required(known.v, "v").spells("1") else { throw DKIMSignatureError("v= is not 1 (RFC 6376 §6.1.1)") }
        let algorithmName = try required(known.a, "a")
        guard let algorithm = SignatureAlgorithm(octets: algorithmName) else {
            throw DKIMSignatureError("unknown algorithm a=\(TagList.text(algorithmName)) (RFC 6376 §6.1.1)")
        }
        guard let signature = Base64Octets.decode(try required(known.b, "b")), !signature.isEmpty else {
            throw DKIMSignatureError("b= is not base64 (RFC 6376 §3.5)")
        }
        guard let bodyHash = Base64Octets.decode(try required(known.bh, "bh")), !bodyHash.isEmpty else {
            throw DKIMSignatureError("bh= is not base64 (RFC 6376 §3.5)")
        }
        let canonicalization: CanonicalizationPair
        if let c = value(known.c) {
            guard let pair = CanonicalizationPair(tagValue: c) else {
                throw DKIMSignatureError("unknown canonicalization c=\(TagList.text(c)) (RFC 6376 §3.5)")
            }
            canonicalization = pair
        } else {
            canonicalization = CanonicalizationPair(header: .simple, body: .simple)
        }
        let domain = try required(known.d, "d")
        guard Self.isDomainName(domain) else { throw DKIMSignatureError("d= is not a domain name (RFC 6376 §3.5)") }
        let selector = try required(known.s, "s")
        guard Self.isSelector(selector) else { throw DKIMSignatureError("s= is not a selector (RFC 6376 §3.1)") }

        let names = SignedHeaderNames(octets: try required(known.h, "h"))
        let listed = names.read()
        guard listed.count <= DKIMLimits.maximumSignedHeaderNames else {
            throw DKIMSignatureError("h= names more than \(DKIMLimits.maximumSignedHeaderNames) fields")
        }
        guard !listed.hasEmptyName else { throw DKIMSignatureError("h= has an empty field name (RFC 6376 §3.5)") }
        guard listed.includesFrom else { throw DKIMSignatureError("h= does not include From (RFC 6376 §6.1.1)") }

        let identity = value(known.i)
        if let identity {
            guard let at = identity.lastIndex(of: UInt8(ascii: "@")) else { throw DKIMSignatureError("i= has no @ (RFC 6376 §3.5)") }
            guard Self.isSameOrSubdomain(identity[(at + 1)...], of: domain) else {
                throw DKIMSignatureError("i= domain is not d= or a subdomain of it (RFC 6376 §6.1.1)")
            }
        }
        let bodyLength: Int?
        if let l = value(known.l) {
            guard let length = Self.decimal(l, maximumDigits: 76), let value = Int(exactly: length) else {
                throw DKIMSignatureError("l= is not a decimal count (RFC 6376 §3.5)")
            }
            bodyLength = value
        } else {
            bodyLength = nil
        }
        if let q = value(known.q) {
            let methods = lowercasedItems(q, omittingEmpty: true)
            guard methods.contains(where: { $0 == "dns/txt" || $0.hasPrefix("dns/txt/") }) else {
                throw DKIMSignatureError("q= names no supported query method (RFC 6376 §6.1.1)")
            }
        }
        let timestamp = try Self.time(value(known.t), "t")
        let expiration = try Self.time(value(known.x), "x")
        if let t = timestamp, let x = expiration, x <= t {
            throw DKIMSignatureError("x= is not later than t= (RFC 6376 §3.5)")
        }
        // Every part read before the signature is made (by the memberwise initializer, which this extension leaves in
        // place): made in one step, it is not copied out of a half-made one.
        self.init(field: field, tags: tags, algorithm: algorithm, signature: signature, bodyHash: bodyHash,
                  canonicalization: canonicalization, domain: TagList.text(domain), signedHeaderNames: names,
                  identity: identity.map(TagList.text), bodyLength: bodyLength, selector: TagList.text(selector),
                  timestamp: timestamp, expiration: expiration, copiedHeaders: value(known.z).map(TagList.text),
                  signatureValueRange: known.b.map { b in (field.colonIndex + 1 + b.lowerBound)..<(field.colonIndex + 1 + b.upperBound) })
    }

    private static func time(_ value: ArraySlice<UInt8>?, _ name: String) throws(DKIMSignatureError) -> Int64? {
        guard let value else { return nil }
        // 12 digits reach year 33658; longer values are read as "far future" rather than refused.
        guard let seconds = decimal(value, maximumDigits: 40) else { throw DKIMSignatureError("\(name)= is not a decimal time (RFC 6376 §3.5)") }
        return Int64(clamping: seconds)
    }

    /// A string of ASCII digits (at most `maximumDigits`) as an integer, saturating at `UInt64.max`.
    static func decimal(_ digits: ArraySlice<UInt8>, maximumDigits: Int) -> UInt64? {
        guard !digits.isEmpty, digits.count <= maximumDigits else { return nil }
        var value: UInt64 = 0
        for d in digits {
            guard d >= 0x30, d <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d - 0x30))
            value = o1 || o2 ? .max : s
        }
        return value
    }

    /// Whether `name` is `domain` or ends in `.` + `domain`, in ASCII without regard to case (i= under d=, §6.1.1).
    static func isSameOrSubdomain(_ name: ArraySlice<UInt8>, of domain: ArraySlice<UInt8>) -> Bool {
        guard name.count >= domain.count else { return false }
        let tail = name.suffix(domain.count)
        guard tail.elementsEqual(domain, by: { $0.asciiLowercased == $1.asciiLowercased }) else { return false }
        return name.count == domain.count || name[tail.startIndex - 1] == UInt8(ascii: ".")
    }

    /// Labels of letters, digits and hyphens (and underscores, which selectors and some names use), dot-separated.
    static func isDomainName(_ text: String) -> Bool { isDomainName(Array(text.utf8)[...]) }

    /// The octets of a name: labels of letters, digits, hyphens and underscores, dot-separated, an optional final dot.
    static func isDomainName(_ octets: ArraySlice<UInt8>) -> Bool {
        var name = octets
        if name.last == UInt8(ascii: ".") { name = name.dropLast() }
        guard !name.isEmpty, name.count <= 253 else { return false }
        var labelLength = 0
        for b in name {
            if b == UInt8(ascii: ".") {
                guard labelLength > 0 else { return false }
                labelLength = 0
                continue
            }
            guard (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b >= 0x30 && b <= 0x39 || b == 0x2D || b == 0x5F else { return false }
            labelLength += 1
            guard labelLength <= 63 else { return false }
        }
        return labelLength > 0
    }

    static func isSelector(_ text: String) -> Bool { isSelector(Array(text.utf8)[...]) }

    static func isSelector(_ octets: ArraySlice<UInt8>) -> Bool { octets.last != UInt8(ascii: ".") && isDomainName(octets) }
}

/// Where the values of the tags a signature defines sit in its tag list (RFC 6376 §3.5), taken in one pass over the
/// list; unknown tags are left where they are (§3.2). Positions only, so copying this costs no reference counting.
private struct KnownTags {
    var v, a, b, bh, c, d, h, i, l, q, s, t, x, z: Range<Int>?

    init(_ tags: TagList) {
        tags.bytes.withUnsafeBufferPointer { bytes in
            for entry in tags.entries {
                let name = entry.name
                let first = bytes[name.lowerBound]
                if name.count == 2 {
                    if first == UInt8(ascii: "b"), bytes[name.lowerBound + 1] == UInt8(ascii: "h") { bh = entry.value }
                    continue
                }
                guard name.count == 1 else { continue }
                switch first {
                case UInt8(ascii: "v"): v = entry.value
                case UInt8(ascii: "a"): a = entry.value
                case UInt8(ascii: "b"): b = entry.value
                case UInt8(ascii: "c"): c = entry.value
                case UInt8(ascii: "d"): d = entry.value
                case UInt8(ascii: "h"): h = entry.value
                case UInt8(ascii: "i"): i = entry.value
                case UInt8(ascii: "l"): l = entry.value
                case UInt8(ascii: "q"): q = entry.value
                case UInt8(ascii: "s"): s = entry.value
                case UInt8(ascii: "t"): t = entry.value
                case UInt8(ascii: "x"): x = entry.value
                case UInt8(ascii: "z"): z = entry.value
                default: break
                }
            }
        }
    }
}

/// Why a `DKIM-Signature` field is unusable (RFC 6376 §6.1.1): the verdict is `permerror` with this reason.
public struct DKIMSignatureError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
